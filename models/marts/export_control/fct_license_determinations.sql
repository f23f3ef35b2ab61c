{#- One row per shipment line: ECCN, destination, the reasons for control evaluated
    (each requirement line with its Country Chart column and whether the destination
    has an X, or the rule it points to), the decision, the licence or licence exception
    recorded, and the evidence an auditor can follow. Per-requirement detail:
    fct_license_requirement_checks. -#}

with

determinations as (

    select * from {{ ref('int_license_determinations') }}

),

final as (

    select
        line_id,
        shipment_id,
        line_no,
        sku,
        destination_country,
        ship_date,
        value_usd,
        eccn,
        hs6,
        reasons_for_control,
        reasons_requiring_licence,
        paragraphs_needing_licence,
        decision,
        basis as decision_basis,
        citation,
        license_ref,
        license_exception,
        exception_status,
        exception_evidence,
        is_covered,
        decision in ('license_required', 'embargoed') and not is_covered as is_missing_licence,
        evidence,
        '{{ env_var("HSGUARD_RUN_ID", "manual") }}' as run_id

    from determinations

)

select * from final
