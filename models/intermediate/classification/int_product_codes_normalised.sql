{{ config(materialized='table') }}

{#- One row per product and tariff scheme: the declared code as typed, the code with
    separators stripped, and whether it is missing, malformed or well formed. -#}

with

products as (

    select sku, hts_code_raw
    from {{ ref('int_products_deduplicated') }}

),

htsus as (

    select
        sku,
        'HTSUS' as scheme,
        10 as expected_length,
        hts_code_raw as declared_code_raw,
        {{ strip_code_separators('hts_code_raw') }} as declared_code
    from products

),

final as (

    select
        sku,
        scheme,
        expected_length,
        declared_code_raw,
        nullif(declared_code, '') as declared_code,
        case
            when declared_code is null or declared_code = '' then 'missing'
            when not {{ is_all_digits('declared_code') }} then 'malformed_characters'
            when length(declared_code) != expected_length then 'malformed_length'
            else 'well_formed'
        end as code_status

    from htsus

)

select * from final
