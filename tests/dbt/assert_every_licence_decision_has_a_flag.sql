-- marts.fct_license_determinations: every shipment line whose decision is not nlr has a
-- flag of an export-decision check in marts.fct_classification_flags (issue #20, "no silent
-- decisions"): LICENSE_REQUIRED or LICENSE_RECORDED (licence required, missing or recorded),
-- EMBARGOED_DESTINATION, EXPORT_RULE_REVIEW (needs_paragraph, see_rule, undetermined),
-- PARTY_SCREENING_HIT (prohibited and the other list consequences). Overridden flags count:
-- they stay in the mart with the reviewer's decision.
with

determinations as (

    select line_id, shipment_id, line_no, sku, decision, is_covered
    from {{ ref('fct_license_determinations') }}
    where decision != 'nlr'

),

decision_flags as (

    select distinct shipment_id, line_no
    from {{ ref('fct_classification_flags') }}
    where
        check_code in (
            'LICENSE_REQUIRED', 'LICENSE_RECORDED', 'EMBARGOED_DESTINATION', 'EXPORT_RULE_REVIEW',
            'PARTY_SCREENING_HIT'
        )

)

select
    determinations.line_id,
    determinations.shipment_id,
    determinations.line_no,
    determinations.sku,
    determinations.decision,
    determinations.is_covered
from determinations
left join decision_flags
    on determinations.shipment_id = decision_flags.shipment_id
    and determinations.line_no = decision_flags.line_no
where decision_flags.shipment_id is null
