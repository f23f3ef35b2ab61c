with

lines as (

    select * from {{ ref('int_tariff_lines_unioned') }}

),

editions as (

    select scheme, edition, edition_label, valid_from, valid_to
    from {{ ref('tariff_editions') }}

),

final as (

    select
        lines.scheme,
        lines.edition,
        lines.code,
        lines.code_display,
        lines.code_level,
        lines.parent_code,
        lines.indent,
        lines.description,
        lines.full_description,
        lines.is_declarable,
        lines.child_count,
        lines.reporting_code,
        lines.units,
        lines.general_rate,
        lines.special_rate,
        lines.column2_rate,
        case
            when lines.scheme = 'HTSUS' then lines.edition = '{{ var("hts_edition") }}'
            when lines.scheme = 'HS' then lines.edition = '{{ var("hs_edition") }}'
            when lines.scheme = 'CN' then lines.edition = '{{ var("cn_edition") }}'
            else false
        end as is_current_edition,
        editions.edition_label,
        editions.valid_from,
        editions.valid_to,
        lines.source_file,
        lines.source_row_number

    from lines
    left join editions
        on lines.scheme = editions.scheme
        and lines.edition = editions.edition

)

select * from final
