{#- HS_PEER_INCONSISTENT: products with the same normalised description carry different
    six-digit HS subheadings (from their HTSUS codes). Every SKU of such a group is
    flagged, naming the others. -#}

with

products as (

    select sku, description
    from {{ ref('int_products_classified') }}

),

codes as (

    select sku, declared_code_raw, declared_code
    from {{ ref('int_product_codes_normalised') }}
    where scheme = 'HTSUS'
        and code_status = 'well_formed'

),

described as (

    select
        products.sku,
        {{ normalise_description('products.description') }} as description_key,
        codes.declared_code_raw,
        substr(codes.declared_code, 1, 6) as hs6

    from products
    inner join codes
        on products.sku = codes.sku

),

inconsistent_groups as (

    select description_key
    from described
    group by description_key
    having count(distinct hs6) > 1

),

peers as (

    select
        mine.sku,
        {{ dbt.listagg("other.sku || ' (' || other.declared_code_raw || ')'", "', '", "order by other.sku", 10) }}
            as others_listed,
        count(*) as other_count

    from described as mine
    inner join inconsistent_groups
        on mine.description_key = inconsistent_groups.description_key
    inner join described as other
        on mine.description_key = other.description_key
        and mine.sku != other.sku
        and mine.hs6 != other.hs6
    group by mine.sku

),

final as (

    select
        described.sku,
        'HS_PEER_INCONSISTENT' as check_code,
        'HTSUS' as scheme,
        described.declared_code_raw as declared_code,
        cast(null as string) as suggested_code,
        'Same description as ' || cast(peers.other_count as string) || ' product(s) classified in another '
        || 'HS subheading: ' || peers.others_listed || '. The same goods take one classification.'
            as evidence,
        cast(null as string) as shipment_id,
        cast(null as integer) as line_no

    from described
    inner join peers
        on described.sku = peers.sku

)

select * from final
