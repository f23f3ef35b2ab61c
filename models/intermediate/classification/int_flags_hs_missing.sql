with

codes as (

    select sku, scheme, code_status, is_declared_scheme
    from {{ ref('int_product_codes_normalised') }}

),

final as (

    select
        sku,
        'HS_MISSING' as check_code,
        scheme,
        cast(null as string) as declared_code,
        cast(null as string) as suggested_code,
        'No ' || scheme || ' code is recorded for this product; the company declares in '
        || scheme || ', so every product needs one (GRI 1).' as evidence,
        cast(null as string) as shipment_id,
        cast(null as integer) as line_no

    from codes
    where code_status = 'missing'
        and is_declared_scheme

)

select * from final
