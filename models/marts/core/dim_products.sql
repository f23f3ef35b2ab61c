with

products as (

    select * from {{ ref('int_products_deduplicated') }}

),

htsus_codes as (

    select sku, declared_code, code_status
    from {{ ref('int_product_codes_normalised') }}
    where scheme = 'HTSUS'

),

final as (

    select
        products.sku,
        products.description,
        products.product_family,
        products.country_of_origin,
        products.unit_value_usd,
        products.classified_date,
        products.hts_code_raw,
        case when htsus_codes.code_status = 'well_formed' then htsus_codes.declared_code end as hts_code,
        htsus_codes.code_status as hts_code_status,
        products.cn_code_raw,
        products.hs_code_raw,
        products.eccn_raw,
        products.ruling_ref,
        products.source_file,
        products.source_row_number,
        products.source_sha256,
        products.loaded_at,
        products.run_id

    from products
    left join htsus_codes
        on products.sku = htsus_codes.sku

)

select * from final
