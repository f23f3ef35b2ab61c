{#- PARTY_SCREENING_HIT: one flag per shipment line whose end user matches a screening-list
    entry (a match a reviewer marked false positive for that end user and entry excluded),
    graded by the strongest match's severity (check_severity_levels: critical, high, medium),
    with the list's consequence and citation in the evidence (int_shipment_party_consequences). -#}

with

lines as (

    select line_id, sku, eccn
    from {{ ref('int_shipment_lines_classified') }}

),

consequences as (

    select line_id, shipment_id, line_no, severity, evidence
    from {{ ref('int_shipment_party_consequences') }}

),

final as (

    select
        lines.sku,
        'PARTY_SCREENING_HIT' as check_code,
        'ECCN' as scheme,
        lines.eccn as declared_code,
        cast(null as string) as suggested_code,
        consequences.evidence || ' (Consolidated Screening List 2026-07-31.)' as evidence,
        consequences.shipment_id,
        consequences.line_no,
        consequences.severity as divergence_level

    from consequences
    inner join lines
        on consequences.line_id = lines.line_id

)

select * from final
