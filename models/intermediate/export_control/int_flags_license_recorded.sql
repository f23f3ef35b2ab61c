{#- LICENSE_RECORDED (low): a shipment line whose decision says a licence is, or may be,
    required (license_required, needs_paragraph, see_rule, undetermined) and that records
    what settles it: a licence, or a licence exception whose basic eligibility holds or
    cannot be checked (is_covered). Not an error: the line is shown, at low severity, so a
    person can check that the licence or exception covers this item, destination, value
    and end user. With LICENSE_REQUIRED, EMBARGOED_DESTINATION, EXPORT_RULE_REVIEW and
    PARTY_SCREENING_HIT (prohibited), every line that is not NLR has a flag (data test
    assert_every_licence_decision_has_a_flag). -#}

with

determinations as (

    select shipment_id, line_no, sku, eccn, decision, is_covered, license_ref, license_exception, evidence
    from {{ ref('int_license_determinations') }}

),

final as (

    select
        sku,
        'LICENSE_RECORDED' as check_code,
        'ECCN' as scheme,
        eccn as declared_code,
        cast(null as string) as suggested_code,
        'Decision ' || decision || '; recorded '
        || case
            when license_ref is not null then 'licence ' || license_ref
            else 'licence exception ' || license_exception
        end
        || ' (check that it covers this item, destination, value and end user): ' || evidence as evidence,
        shipment_id,
        line_no

    from determinations
    where decision in ('license_required', 'needs_paragraph', 'see_rule', 'undetermined')
        and is_covered

)

select * from final
