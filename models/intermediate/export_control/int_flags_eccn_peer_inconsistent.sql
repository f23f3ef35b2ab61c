with

eccns as (

    select
        sku,
        eccn_raw,
        eccn,
        {{ normalise_description('description') }} as description_key
    from {{ ref('int_product_eccns_normalised') }}
    where eccn_status = 'well_formed'

),

inconsistent_groups as (

    select description_key
    from eccns
    group by description_key
    having count(distinct eccn) > 1

),

peers as (

    select
        mine.sku,
        count(*) as other_count,
        {{ dbt.listagg("other.sku || ' (' || other.eccn || ')'", "', '", "order by other.sku", 10) }} as others_listed

    from eccns as mine
    inner join inconsistent_groups
        on mine.description_key = inconsistent_groups.description_key
    inner join eccns as other
        on mine.description_key = other.description_key
        and mine.sku != other.sku
        and mine.eccn != other.eccn
    group by mine.sku

),

final as (

    select
        eccns.sku,
        'ECCN_PEER_INCONSISTENT' as check_code,
        'ECCN' as scheme,
        eccns.eccn_raw as declared_code,
        cast(null as string) as suggested_code,
        'Same description as ' || cast(peers.other_count as string) || ' product(s) with another ECCN: '
        || peers.others_listed || '. One item has one export classification.' as evidence,
        cast(null as string) as shipment_id,
        cast(null as integer) as line_no

    from eccns
    inner join peers
        on eccns.sku = peers.sku

)

select * from final
