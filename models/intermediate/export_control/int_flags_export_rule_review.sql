{#- EXPORT_RULE_REVIEW: a shipment line whose licence decision needs a person: needs_paragraph
    (the declared ECCN has no or too broad a paragraph), see_rule (a rule the data cannot
    evaluate), undetermined (no usable ECCN, Russia/Belarus without HS code, a scope condition),
    and a licence_required line covered by a recorded licence or exception hsguard cannot
    verify. With LICENSE_REQUIRED and EMBARGOED_DESTINATION every line that is not NLR has a flag. -#}

with

determinations as (

    select shipment_id, line_no, sku, eccn, decision, is_covered, evidence
    from {{ ref('int_license_determinations') }}

),

final as (

    select
        sku,
        'EXPORT_RULE_REVIEW' as check_code,
        'ECCN' as scheme,
        eccn as declared_code,
        cast(null as varchar) as suggested_code,
        'Decision ' || decision || case when decision = 'license_required' then ' (covered as recorded)' else '' end
        || ': ' || evidence as evidence,
        shipment_id,
        line_no

    from determinations
    where decision in ('needs_paragraph', 'see_rule', 'undetermined')
        or (decision = 'license_required' and is_covered)

)

select * from final
