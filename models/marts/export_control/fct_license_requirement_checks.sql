with

checks as (

    select * from {{ ref('int_license_requirement_checks') }}

),

final as (

    select
        line_id,
        eccn,
        destination_country,
        line_number,
        reason_code,
        control_text,
        chart_text,
        chart_columns,
        rule_kind,
        scope_kind,
        is_scope_conditional,
        covered_paragraphs,
        excluded_paragraphs,
        columns_with_x,
        applicability,
        chart_result,
        line_decision,
        citation,
        line_evidence

    from checks

)

select * from final
