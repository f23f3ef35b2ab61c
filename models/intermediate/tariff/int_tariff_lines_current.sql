{{ config(materialized='reusable_table') }}

{#- The lines of the current edition of each scheme (vars hts_edition, cn_edition,
    hs_edition), with `declarable_code`: the code a product declares for the line
    (HTSUS: the 10-digit reporting number; CN: 8 digits; HS: 6). -#}

with

lines as (

    select * from {{ ref('int_tariff_lines_unioned') }}

),

final as (

    select
        scheme,
        edition,
        code,
        code_display,
        code_level,
        description,
        full_description,
        is_declarable,
        reporting_code as declarable_code,
        -- chapter 99 (HTSUS) holds additional duties, never a product's own line
        not(scheme = 'HTSUS' and substr(code, 1, 2) = '99') as is_product_line

    from lines
    where (scheme = 'HTSUS' and edition = '{{ var("hts_edition") }}')
        or (scheme = 'CN' and edition = '{{ var("cn_edition") }}')
        or (scheme = 'HS' and edition = '{{ var("hs_edition") }}')

)

select * from final
