{{ config(materialized='reusable_table') }}

{#- Declarable codes of earlier editions that are no declarable code of the current
    edition: the basis of HS_OUTDATED. One row per scheme, code and earlier edition. -#}

with

lines as (

    select scheme, edition, code, reporting_code, full_description, is_declarable
    from {{ ref('int_tariff_lines_unioned') }}

),

current_lines as (

    select scheme, declarable_code
    from {{ ref('int_tariff_lines_current') }}
    where is_declarable

),

earlier_declarable as (

    select scheme, edition, reporting_code as declarable_code, full_description
    from lines
    where is_declarable
        and not (
            (scheme = 'HTSUS' and edition = '{{ var("hts_edition") }}')
            or (scheme = 'CN' and edition = '{{ var("cn_edition") }}')
            or (scheme = 'HS' and edition = '{{ var("hs_edition") }}')
        )

),

final as (

    select earlier_declarable.*
    from earlier_declarable
    left join current_lines
        on earlier_declarable.scheme = current_lines.scheme
        and earlier_declarable.declarable_code = current_lines.declarable_code
    where current_lines.declarable_code is null

)

select * from final
