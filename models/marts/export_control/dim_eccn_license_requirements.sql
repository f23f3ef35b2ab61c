{#- One row per licence-requirement line of an ECCN: the reason for control, the
    Country Chart column(s) it names, or (points_elsewhere) the rule it points to
    instead ("to or within any destination worldwide", Country Group D:1 ...). -#}

with

requirements as (

    select * from {{ ref('stg_ccl__license_requirements') }}

),

final as (

    select
        eccn || '#' || cast(line_number as string) as requirement_id,
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
        rule_citation

    from requirements

)

select * from final
