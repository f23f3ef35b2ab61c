{#- HS_CROSS_SCHEME_MISMATCH: the product's HTSUS and CN codes (both well formed)
    differ in their first six digits, the internationally harmonised HS subheading. -#}

with

codes as (

    select sku, scheme, declared_code_raw, declared_code
    from {{ ref('int_product_codes_normalised') }}
    where code_status = 'well_formed'
        and scheme in ('HTSUS', 'CN')

),

htsus as (

    select sku, declared_code_raw, declared_code from codes
    where scheme = 'HTSUS'

),

cn as (

    select sku, declared_code_raw, declared_code from codes
    where scheme = 'CN'

),

final as (

    select
        htsus.sku,
        'HS_CROSS_SCHEME_MISMATCH' as check_code,
        'CN' as scheme,
        cn.declared_code_raw as declared_code,
        cast(null as string) as suggested_code,
        'HTSUS ' || htsus.declared_code_raw || ' is HS subheading ' || substr(htsus.declared_code, 1, 6)
        || ' but CN ' || cn.declared_code_raw || ' is HS subheading ' || substr(cn.declared_code, 1, 6)
        || '; the first six digits are the same for the same goods in every HS country, so one of the '
        || 'two codes is wrong.' as evidence,
        cast(null as string) as shipment_id,
        cast(null as integer) as line_no

    from htsus
    inner join cn
        on htsus.sku = cn.sku
    where substr(htsus.declared_code, 1, 6) != substr(cn.declared_code, 1, 6)

)

select * from final
