{#- EXPORT_RULE_REVIEW: a shipment line whose licence decision needs a person: needs_paragraph
    (the declared ECCN has no or too broad a paragraph), see_rule (a rule the data cannot
    evaluate), undetermined (no usable ECCN, Russia/Belarus without HS code, a scope condition).
    A line with a recorded licence is not flagged: the licence settles whether one is needed.
    With LICENSE_REQUIRED (licence required, no licence and no usable exception) and
    EMBARGOED_DESTINATION, every line that is not NLR and has no recorded licence or usable
    exception has a flag. -#}

with

determinations as (

    select shipment_id, line_no, sku, eccn, decision, license_ref, evidence
    from {{ ref('int_license_determinations') }}

),

final as (

    select
        sku,
        'EXPORT_RULE_REVIEW' as check_code,
        'ECCN' as scheme,
        eccn as declared_code,
        cast(null as string) as suggested_code,
        'Decision ' || decision || ': ' || evidence as evidence,
        shipment_id,
        line_no

    from determinations
    where decision in ('needs_paragraph', 'see_rule', 'undetermined')
        and license_ref is null

)

select * from final
