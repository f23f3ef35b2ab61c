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
        columns_with_x,
        applicability,
        chart_result,
        line_decision,
        line_evidence

    from checks

)

select * from final
