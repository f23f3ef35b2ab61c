with

eccns as (

    select sku, eccn_raw, eccn, base_eccn
    from {{ ref('int_product_eccns_normalised') }}
    where eccn_status = 'well_formed'
        and eccn != 'EAR99'

),

ccl as (

    select eccn from {{ ref('stg_ccl__eccns') }}

),

final as (

    select
        eccns.sku,
        'ECCN_UNKNOWN' as check_code,
        'ECCN' as scheme,
        eccns.eccn_raw as declared_code,
        cast(null as varchar) as suggested_code,
        'ECCN ' || eccns.base_eccn || ' is not on the Commerce Control List (EAR Part 774 Supp. 1, eCFR '
        || '2026-07-23) loaded for this run.' as evidence,
        cast(null as varchar) as shipment_id,
        cast(null as integer) as line_no

    from eccns
    left join ccl
        on eccns.base_eccn = ccl.eccn
    where ccl.eccn is null

)

select * from final
