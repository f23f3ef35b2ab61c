{{ config(materialized='reusable_table') }}

{#- One row per SKU with what the checks and the candidate codes read: the description,
    the declared codes and ruling, family, origin and classification date. Not the unit
    value or the lineage (file, row, load time, run): a night on which only prices move
    leaves this table as it was, so every check and candidate table below it is reused
    (macros/reuse.sql). Checks that do read the value or the raw rows (DUPLICATE_SKU,
    the risk score, dim_products) read int_products_deduplicated. -#}

with

products as (

    select * from {{ ref('int_products_deduplicated') }}

),

final as (

    select
        sku,
        description,
        product_family,
        country_of_origin,
        classified_date,
        hts_code_raw,
        cn_code_raw,
        hs_code_raw,
        eccn_raw,
        ruling_ref

    from products

)

select * from final
