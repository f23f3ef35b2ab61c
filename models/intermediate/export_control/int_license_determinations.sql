{{ config(materialized='reusable_table') }}

{#- One decision per shipment line (macros/licences.sql, the same macro the case-set data test
    runs): nlr, license_required, embargoed, needs_paragraph (the answer depends on a paragraph
    the declared ECCN does not give), see_rule (a rule the data cannot evaluate, e.g. § 744.21
    military end use), undetermined (no usable ECCN, Russia/Belarus without an HS code, a scope
    condition the data does not hold); with the CFR citation, the licence exception's basic
    eligibility and the evidence. -#}

{{ license_determinations(ref('int_shipment_lines_classified'), ref('int_license_requirement_checks')) }}
