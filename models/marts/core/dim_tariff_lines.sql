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
        parent_code,
        indent,
        description,
        full_description,
        is_declarable,
        child_count,
        reporting_code,
        units,
        general_rate,
        special_rate,
        column2_rate,
        case
            when scheme = 'HTSUS' and edition = '{{ var("hts_edition") }}' then true
            when scheme = 'HS' and edition = '{{ var("hs_edition") }}' then true
            else false
        end as is_current_edition,
        source_file,
        source_row_number

    from lines

)

select * from final
