{#- One row per SKU: the first occurrence in the file. Repeats are kept in the raw
    table and reported by DUPLICATE_SKU once that check lands. -#}
with

products as (

    select * from {{ ref('stg_erp__products') }}

),

ranked as (

    select
        products.*,
        row_number() over (partition by sku order by source_row_number) as occurrence

    from products

),

final as (

    select
        sku,
        description,
        hts_code_raw,
        cn_code_raw,
        hs_code_raw,
        eccn_raw,
        ruling_ref,
        product_family,
        country_of_origin,
        unit_value_usd,
        classified_date,
        source_row_number,
        source_file,
        source_sha256,
        loaded_at,
        run_id
    from ranked
    where occurrence = 1

)

select * from final
