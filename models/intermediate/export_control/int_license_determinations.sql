{{ config(materialized='reusable_table') }}

{#- One decision per shipment line:
    embargoed    destination in Country Group E:1/E:2 (chart rows pointing to Part 746), any item;
    license_required  an applicable reason for control has an X (or a worldwide / Country
                 Group rule applies), a paragraph-dependent control on an ECCN without
                 paragraph (conservative), or Russia/Belarus: any CCL item (746.8) and EAR99
                 items whose HS-6 is on a Part 746 supplement;
    see_rule     a requirement line points to a rule that is not evaluated here;
    nlr          no licence required on any reason for control;
    undetermined the product has no usable ECCN.
    Then the end user's screening match (int_shipment_party_consequences, critical or high,
    not overridden) raises the decision (final CTE; precedence, strongest first):
    prohibited (Denied Persons 736.2(b)(4), SDN) over every decision; license_required
    (Entity List 744.11: all items subject to the EAR, EAR99 too) over every decision but
    embargoed; review (Unverified List 744.15, Military End-User List 744.21) turns nlr into
    see_rule; informational lists and possible matches change nothing. The match's evidence
    and citation are appended to the line's evidence whenever there is a match. -#}

with

lines as (

    select * from {{ ref('int_shipment_lines_classified') }}

),

checks as (

    select line_id, line_number, line_decision, line_evidence, reason_code
    from {{ ref('int_license_requirement_checks') }}

),

ccl as (

    select eccn from {{ ref('stg_ccl__eccns') }}

),

embargoed as (

    select distinct country_code
    from {{ ref('stg_ear__country_chart') }}
    where is_embargoed

),

party_consequences as (

    select line_id, consequence, evidence as party_evidence
    from {{ ref('int_shipment_party_consequences') }}

),

part746 as (

    select hs6, {{ dbt.listagg("distinct supplement", "', '", "order by supplement") }} as supplements
    from {{ ref('stg_ear__part746_hs_lists') }}
    group by hs6

),

per_line as (

    select
        line_id,
        max(case when line_decision = 'license_required' then 1 else 0 end) as has_required,
        max(case when line_decision = 'license_required_paragraph_dependent' then 1 else 0 end)
            as has_paragraph_dependent,
        max(case when line_decision = 'see_rule' then 1 else 0 end) as has_see_rule,
        {#- ordered: without an order the same line's text could differ between runs -#}
        {{ dbt.listagg("distinct reason_code", "', '", "order by reason_code") }} as reasons_for_control,
        {{ dbt.listagg("line_evidence", "'; '", "order by line_number, line_evidence") }} as requirement_evidence

    from checks
    group by line_id

),

decided as (

    select
        lines.*,
        per_line.reasons_for_control,
        per_line.requirement_evidence,
        part746.supplements as part746_supplements,
        case
            when embargoed.country_code is not null then 'embargoed'
            when lines.eccn_status != 'well_formed' or lines.eccn_status is null then 'undetermined'
            when lines.eccn != 'EAR99' and ccl.eccn is null then 'undetermined'
            when lines.destination_country in ('RU', 'BY')
                and (lines.eccn != 'EAR99' or part746.hs6 is not null) then 'license_required'
            when lines.eccn = 'EAR99' then 'nlr'
            when per_line.has_required = 1 or per_line.has_paragraph_dependent = 1 then 'license_required'
            when per_line.has_see_rule = 1 then 'see_rule'
            else 'nlr'
        end as decision

    from lines
    left join per_line
        on lines.line_id = per_line.line_id
    left join embargoed
        on lines.destination_country = embargoed.country_code
    left join part746
        on lines.hs6 = part746.hs6
    left join ccl
        on substr(lines.eccn, 1, 5) = ccl.eccn

),

determined as (

    select
        decided.*,
        license_ref is not null or license_exception is not null as is_covered,
        case
            when decision = 'embargoed'
                then
                    destination_country || ' is an embargoed destination (Country Groups E:1/E:2; EAR Part 746): '
                    || 'a licence is required for any item, EAR99 included, and is generally denied.'
            when decision = 'undetermined'
                then
                    'No usable ECCN (' || coalesce(eccn, 'missing') || '): the licence requirement cannot be determined.'
            when destination_country in ('RU', 'BY') and eccn = 'EAR99' and decision = 'license_required'
                then
                    'EAR99 item whose HS-6 ' || hs6 || ' is on EAR ' || part746_supplements
                    || ': licence required for Russia and Belarus (EAR 746.8).'
            when destination_country in ('RU', 'BY') and decision = 'license_required'
                then
                    'Any item on the Commerce Control List needs a licence for Russia and Belarus (EAR 746.8(a)(1)). '
                    || coalesce(requirement_evidence, '')
            when eccn = 'EAR99'
                then 'EAR99 to ' || destination_country || ': no licence required (NLR), '
                    || 'provided no end-use/end-user prohibition (EAR Part 744) applies.'
            else 'ECCN ' || eccn || ' to ' || destination_country || ': ' || coalesce(requirement_evidence, 'no requirement lines')
        end
        || case
            when license_ref is not null then ' Licence ' || license_ref || ' recorded.'
            when license_exception is not null
                then ' Licence exception ' || license_exception
                    || ' claimed (recorded, not verified by hsguard).'
            else ''
        end as evidence

    from decided

),

final as (

    select
        determined.* replace (
            case
                when party_consequences.consequence = 'prohibited' then 'prohibited'
                when party_consequences.consequence = 'license_required' and determined.decision != 'embargoed'
                    then 'license_required'
                when party_consequences.consequence = 'review' and determined.decision = 'nlr' then 'see_rule'
                else determined.decision
            end as decision,
            determined.evidence || coalesce(' Party screening: ' || party_consequences.party_evidence, '') as evidence
        )

    from determined
    left join party_consequences
        on determined.line_id = party_consequences.line_id

)

select * from final
