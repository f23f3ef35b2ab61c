{{ config(materialized='reusable_table') }}

{#- One row per product and tariff scheme: the declared code as typed, the code with
    separators stripped, and whether it is missing, malformed or well formed.
    A scheme is "declared" (HS_MISSING applies) when it is in var('declared_schemes'),
    or, for CN, when any product carries a CN code. -#}

with

products as (

    select sku, hts_code_raw, cn_code_raw, hs_code_raw
    from {{ ref('int_products_classified') }}

),

declared_codes as (

    select sku, 'HTSUS' as scheme, 10 as expected_length, hts_code_raw as declared_code_raw
    from products
    union all
    select sku, 'CN' as scheme, 8 as expected_length, cn_code_raw as declared_code_raw
    from products
    union all
    select sku, 'HS' as scheme, 6 as expected_length, hs_code_raw as declared_code_raw
    from products

),

schemes_in_use as (

    select scheme, count(declared_code_raw) as products_with_code
    from declared_codes
    group by scheme

),

stripped as (

    select
        declared_codes.*,
        nullif({{ strip_code_separators('declared_code_raw') }}, '') as declared_code
    from declared_codes

),

final as (

    select
        stripped.sku,
        stripped.scheme,
        stripped.expected_length,
        stripped.declared_code_raw,
        stripped.declared_code,
        case
            when stripped.declared_code is null then 'missing'
            when not {{ is_all_digits('stripped.declared_code') }} then 'malformed_characters'
            when length(stripped.declared_code) != stripped.expected_length then 'malformed_length'
            else 'well_formed'
        end as code_status,
        (
            stripped.scheme in ({% for s in var('declared_schemes') %}'{{ s }}'{{ ',' if not loop.last }}{% endfor %})
            or (stripped.scheme = 'CN' and schemes_in_use.products_with_code > 0)
        ) as is_declared_scheme

    from stripped
    inner join schemes_in_use
        on stripped.scheme = schemes_in_use.scheme

)

select * from final
