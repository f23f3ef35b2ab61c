{{ config(materialized='reusable_table') }}

{#- One decision per shipment line. First the rule-based decision (macros/licences.sql, the
    same macro the case-set data test runs): nlr, license_required, embargoed, needs_paragraph
    (the answer depends on a paragraph the declared ECCN does not give), see_rule (a rule the
    data cannot evaluate, e.g. § 744.21 military end use), undetermined (no usable ECCN,
    Russia/Belarus without an HS code, a scope condition the data does not hold); with the CFR
    citation, the licence exception's basic eligibility and the evidence.
    Then the end user's screening match (int_shipment_party_consequences, critical or high,
    not overridden) raises the decision (final CTE; precedence, strongest first):
    prohibited (Denied Persons § 736.2(b)(4), SDN) over every decision; license_required
    (Entity List § 744.11: all items subject to the EAR, EAR99 too; licence exceptions are not
    available to it, so only a recorded licence covers the line) over every decision but
    embargoed; review (Unverified List § 744.15, Military End-User List § 744.21) turns nlr
    into see_rule; informational lists and possible matches change nothing. The match's
    evidence and citation are appended to the line's evidence whenever there is a match. -#}

with

determined as (

    {{ license_determinations(ref('int_shipment_lines_classified'), ref('int_license_requirement_checks')) | indent(4) }}

),

party_consequences as (

    select
        line_id,
        consequence,
        citation as party_citation,
        evidence as party_evidence
    from {{ ref('int_shipment_party_consequences') }}

),

raised as (

    select
        determined.*,
        party_consequences.party_citation,
        party_consequences.party_evidence,
        case
            when party_consequences.consequence = 'prohibited' then 'prohibited'
            when
                party_consequences.consequence = 'license_required'
                and determined.decision != 'embargoed'
                then 'license_required'
            when party_consequences.consequence = 'review' and determined.decision = 'nlr' then 'see_rule'
        end as party_decision

    from determined
    left join party_consequences
        on determined.line_id = party_consequences.line_id

),

final as (

    {#- the determined columns in their order, the raised ones in place (portable: no
        select * exclude / replace) -#}
    select
        line_id,
        shipment_id,
        line_no,
        sku,
        destination_country,
        ship_date,
        quantity,
        value_usd,
        license_ref,
        license_exception,
        end_user,
        eccn,
        eccn_status,
        hs6,
        reasons_for_control,
        reasons_requiring_licence,
        paragraphs_needing_licence,
        requirement_evidence,
        has_mt_required,
        footnote_citations,
        footnote_evidence,
        part746_supplements,
        lvs_availability,
        lvs_value_limit_usd,
        gbs_availability,
        tsr_availability,
        license_exception_text,
        exception_section,
        is_group_b,
        paragraph_status,
        entry_paragraphs,
        case when party_decision is not null then 'party_screening' else basis end as basis,
        coalesce(party_decision, decision) as decision,
        case when party_decision is not null then party_citation else citation end as citation,
        exception_status,
        exception_evidence,
        case
            when party_decision in ('prohibited', 'license_required') then license_ref is not null
            else is_covered
        end as is_covered,
        evidence || coalesce(' Party screening: ' || party_evidence, '') as evidence

    from raised

)

select * from final
