with

source as (

    select * from {{ source('ccl', 'ref_ccl_license_requirements') }}

),

renamed as (

    select
        eccn,
        line_number,
        reason_code,
        control_text,
        chart_text,
        chart_columns,
        points_elsewhere,
        applies_to_paragraphs,
        scope_kind,
        is_scope_conditional,
        rule_kind,
        rule_destinations,
        rule_excluded_destinations,
        rule_groups,
        rule_excluded_groups,
        rule_citation,
        _source_file as source_file,
        _row_number as source_row_number

    from source

)

select * from renamed
