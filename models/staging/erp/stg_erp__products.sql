with

source as (

    select * from {{ source('erp', 'erp_products') }}

),

renamed as (

    select
        sku,
        description,
        hts_code as hts_code_raw,
        cn_code as cn_code_raw,
        hs_code as hs_code_raw,
        eccn as eccn_raw,
        ruling_ref,
        product_family,
        country_of_origin,
        unit_value_usd,
        classified_at as classified_date,
        _row_number as source_row_number,
        _source_file as source_file,
        _source_sha256 as source_sha256,
        _loaded_at as loaded_at,
        _run_id as run_id

    from source

)

select * from renamed
