{#- Licence determination (EAR Part 738 procedure, § 738.4), in two steps used by the nightly
    models and by the case-set data test alike (one implementation):

    license_requirement_checks(lines): one row per input line and licence-requirement line of
      its ECCN. `lines` has line_id, eccn [normalised, paragraph lower case], eccn_status,
      destination_country [ISO-2]. Each requirement line is matched on paragraph scope
      (stg_ccl__requirement_scopes: covers / excludes, hierarchical: b.2 covers b.2.a) and on
      destination: the Country Chart column(s) it names, or its rule (worldwide, § 742.15,
      named destinations and Country Groups, § 746.1(b) UN arms embargoes, § 746.8).

    license_determinations(lines, checks): one decision per line (nlr, license_required,
      embargoed, needs_paragraph, see_rule, undetermined), Part 746 (embargoes, Russia/Belarus
      with the HS code), § 744.21 military end use, and the recorded licence exception's basic
      eligibility (Part 740). `lines` also has hs6, value_usd, license_ref, license_exception
      (trimmed, upper case); its other columns are passed through. -#}
{#- The hierarchical rule of CCL paragraphs: `path` is `ancestor` or lies inside it
    (3A001.b.2.a is within 3A001.b.2 and 3A001.b, not within 3A001.b.20); null when either
    is null. -#}
{% macro paragraph_within(path, ancestor) -%}
({{ path }} = {{ ancestor }} or {{ hsguard.text_starts_with(path, ancestor ~ " || '.'") }})
{%- endmacro %}


{% macro license_requirement_checks(lines) -%}
with

lines_in as (

    select
        line_id,
        eccn,
        destination_country,
        substr(eccn, 1, 5) as base_eccn,
        case when length(eccn) > 6 then substr(eccn, 7) end as paragraph
    from {{ lines }}
    where eccn is not null and eccn != 'EAR99' and eccn_status = 'well_formed'

),

requirements as (

    select
        eccn, line_number, reason_code, control_text, chart_text, chart_columns, scope_kind,
        is_scope_conditional, rule_kind, rule_destinations, rule_excluded_destinations, rule_groups,
        rule_excluded_groups, rule_citation
    from {{ ref('stg_ccl__license_requirements') }}

),

scopes as (

    select eccn, line_number, relation, paragraph
    from {{ ref('stg_ccl__requirement_scopes') }}

),

chart as (

    select country_code, column_code, is_licence_required
    from {{ ref('stg_ear__country_chart') }}

),

country_groups as (

    select country_code, country_group
    from {{ ref('stg_ear__country_groups') }}

),

un_embargo as (

    select country_code
    from {{ ref('stg_ear__rule_destinations') }}
    where rule = 'un_arms_embargo'

),

destination_groups as (

    select country_code, {{ dbt.listagg('country_group', "','", 'order by country_group') }} as country_groups
    from country_groups
    group by country_code

),

candidates as (

    select
        lines_in.line_id,
        lines_in.eccn,
        lines_in.base_eccn,
        lines_in.paragraph,
        lines_in.destination_country,
        requirements.line_number,
        requirements.reason_code,
        requirements.control_text,
        requirements.chart_text,
        requirements.chart_columns,
        requirements.scope_kind,
        requirements.is_scope_conditional,
        requirements.rule_kind,
        requirements.rule_destinations,
        requirements.rule_excluded_destinations,
        requirements.rule_groups,
        requirements.rule_excluded_groups,
        requirements.rule_citation

    from lines_in
    inner join requirements
        on lines_in.base_eccn = requirements.eccn

),

scope_matches as (

    select
        candidates.line_id,
        candidates.line_number,
        max(case when scopes.relation in ('excludes', 'excludes_if') then 1 else 0 end) as has_excludes,
        max(case
            when scopes.relation = 'excludes_if'
                and {{ paragraph_within('candidates.paragraph', 'scopes.paragraph') }} then 1
            else 0
        end) as in_exclude_if,
        max(case
            when scopes.relation = 'covers'
                and {{ paragraph_within('candidates.paragraph', 'scopes.paragraph') }} then 1
            else 0
        end) as in_cover,
        max(case
            when scopes.relation = 'covers' and {{ hsguard.text_starts_with('scopes.paragraph', "candidates.paragraph || '.'") }} then 1
            else 0
        end) as cover_below,
        max(case
            when scopes.relation = 'excludes'
                and {{ paragraph_within('candidates.paragraph', 'scopes.paragraph') }} then 1
            else 0
        end) as in_exclude,
        max(case
            when scopes.relation = 'excludes' and {{ hsguard.text_starts_with('scopes.paragraph', "candidates.paragraph || '.'") }} then 1
            else 0
        end) as exclude_below,
        {{ dbt.listagg("case when scopes.relation = 'covers' then '.' || scopes.paragraph end", "', '",
            "order by scopes.paragraph") }} as covered_paragraphs,
        {{ dbt.listagg("case when scopes.relation = 'excludes' then '.' || scopes.paragraph "
            ~ "when scopes.relation = 'excludes_if' then '.' || scopes.paragraph || ' (if the line''s condition holds)' end",
            "', '", "order by scopes.paragraph") }} as excluded_paragraphs

    from candidates
    left join scopes
        on candidates.base_eccn = scopes.eccn
        and candidates.line_number = scopes.line_number
    group by candidates.line_id, candidates.line_number

),

applicability as (

    select
        candidates.*,
        scope_matches.covered_paragraphs,
        scope_matches.excluded_paragraphs,
        case
            when candidates.scope_kind = 'condition' then 'conditional'
            when candidates.scope_kind = 'entire' and scope_matches.has_excludes = 0
                then case when candidates.is_scope_conditional then 'conditional' else 'applies' end
            when candidates.paragraph is null then 'paragraph_dependent'
            when scope_matches.in_exclude = 1
                then case when candidates.is_scope_conditional then 'conditional' else 'not_applicable' end
            when scope_matches.in_exclude_if = 1 then 'conditional'
            when scope_matches.exclude_below = 1 then 'paragraph_dependent'
            when candidates.scope_kind = 'entire' then 'applies'
            when scope_matches.in_cover = 1
                then case when candidates.is_scope_conditional then 'conditional' else 'applies' end
            when scope_matches.cover_below = 1 then 'paragraph_dependent'
            else 'not_applicable'
        end as applicability

    from candidates
    inner join scope_matches
        on candidates.line_id = scope_matches.line_id
        and candidates.line_number = scope_matches.line_number

),

chart_marks as (

    select
        applicability.line_id,
        applicability.line_number,
        {{ dbt.listagg("chart.column_code", "', '", "order by chart.column_code") }} as columns_with_x

    from applicability
    inner join chart
        on applicability.destination_country = chart.country_code
        and {{ hsguard.csv_contains("replace(applicability.chart_columns, ' ', '')", 'chart.column_code') }}
        and chart.is_licence_required
    group by applicability.line_id, applicability.line_number

),

destination_results as (

    select
        applicability.*,
        chart_marks.columns_with_x,
        replace(destination_groups.country_groups, ',', ', ') as destination_groups,
        case
            when applicability.chart_columns is not null
                then case when chart_marks.columns_with_x is not null then 'x' else 'no_x' end
            when applicability.rule_kind = 'not_applicable' then 'no_x'
            when applicability.rule_kind in ('worldwide', 'destinations')
                then case
                    -- a destination the rule names is in, whatever groups it is in (the UAE in A:5)
                    when {{ hsguard.csv_contains("coalesce(applicability.rule_destinations, '')",
                            'applicability.destination_country') }} then 'x'
                    when {{ hsguard.csv_contains("coalesce(applicability.rule_excluded_destinations, '')",
                            'applicability.destination_country') }}
                        -- (no groups: null, not taken)
                        or {{ hsguard.csv_overlaps("coalesce(applicability.rule_excluded_groups, '')",
                            'destination_groups.country_groups') }}
                        then 'no_x'
                    when applicability.rule_kind = 'worldwide' then 'x'
                    when {{ hsguard.csv_overlaps("coalesce(applicability.rule_groups, '')",
                            'destination_groups.country_groups') }}
                        then 'x'
                    else 'no_x'
                end
            when applicability.rule_kind = 'un_embargo'
                then case when un_embargo.country_code is not null then 'x' else 'no_x' end
            when applicability.rule_kind = 'russia_belarus'
                then case when applicability.destination_country in ('RU', 'BY') then 'x' else 'no_x' end
            else 'see_rule'
        end as chart_result

    from applicability
    left join chart_marks
        on applicability.line_id = chart_marks.line_id
        and applicability.line_number = chart_marks.line_number
    left join destination_groups
        on applicability.destination_country = destination_groups.country_code
    left join un_embargo
        on applicability.destination_country = un_embargo.country_code

),

line_checks as (

    select
        destination_results.*,
        case
            when applicability = 'not_applicable' then 'not_applicable'
            when chart_result = 'no_x' then 'nlr'
            when chart_result = 'see_rule' then 'see_rule'
            when applicability = 'applies' then 'license_required'
            when applicability = 'paragraph_dependent' then 'needs_paragraph'
            else 'conditional'
        end as line_decision,
        coalesce(
            rule_citation,
            case when chart_columns is not null then '§ 738.4, Supp. 1 to Part 738' end,
            'Part 742'
        ) as citation

    from destination_results

)

select
    line_checks.*,
    coalesce(reason_code, '?') || ' line ' || cast(line_number as string) || ' ('
    || coalesce(chart_columns, rule_kind, 'rule') || '; '
    || case
        when scope_kind = 'entire' then 'entire entry' || coalesce(' except ' || excluded_paragraphs, '')
        when scope_kind = 'paragraphs' then coalesce(covered_paragraphs, '')
            || coalesce(' except ' || excluded_paragraphs, '')
        else 'scope: ' || left(coalesce(control_text, ''), 120)
    end
    || case when is_scope_conditional and scope_kind != 'condition' then ', with conditions' else '' end
    || '): '
    || case
        when line_decision = 'not_applicable'
            then 'not applicable to ' || coalesce('.' || paragraph, 'the entry')
        when chart_result = 'x' and chart_columns is not null
            then 'X for ' || destination_country || ' in ' || columns_with_x
        when chart_result = 'x'
            then 'the rule applies to ' || destination_country || coalesce(' (groups ' || destination_groups || ')', '')
        when chart_result = 'no_x' and chart_columns is not null
            then 'no X for ' || destination_country
        when chart_result = 'no_x' then 'the rule does not apply to ' || destination_country
        else 'points to ' || coalesce(chart_text, 'a rule the source does not state') || ' - not evaluated'
    end
    || case
        when line_decision = 'needs_paragraph'
            then ' - requires a licence for ' || coalesce(covered_paragraphs, 'the entry')
                || coalesce(' (not for ' || excluded_paragraphs || ')', '') || ': the declared ECCN '
                || case when paragraph is null then 'gives no paragraph' else 'is broader than these paragraphs' end
        when line_decision = 'conditional'
            then ' - whether the item is in scope depends on the text of the line (technical parameters, '
                || 'end use or another entry), which the data does not hold'
        else ''
    end
    || ' [' || citation || ']' as line_evidence
from line_checks
{%- endmacro %}


{% macro license_determinations(lines, checks) -%}
with

lines_in as (

    {#- every column of the input line is kept; license_exception trimmed and upper case -#}
    select *
    from {{ lines }}

),

checks_in as (

    select line_id, line_number, reason_code, line_decision, line_evidence, covered_paragraphs
    from {{ checks }}

),

ccl as (

    select
        eccn, reason_codes, lvs_availability, lvs_value_limit_usd, gbs_availability, tsr_availability,
        license_exceptions as license_exception_text
    from {{ ref('stg_ccl__eccns') }}

),

exception_symbols as (

    select license_exception, section
    from {{ ref('stg_ccl__license_exceptions') }}

),

embargoed as (

    select distinct country_code
    from {{ ref('stg_ear__country_chart') }}
    where is_embargoed

),

group_b as (

    select distinct country_code
    from {{ ref('stg_ear__country_groups') }}
    where country_group = 'B'

),

part746 as (

    select hs6, {{ dbt.listagg("distinct supplement", "', '", "order by supplement") }} as supplements
    from {{ ref('stg_ear__part746_hs_lists') }}
    group by hs6

),

meu_eccns as (

    select eccn from {{ ref('stg_ear__meu_eccns') }}

),

chart_footnotes as (

    select distinct country_code, footnotes
    from {{ ref('stg_ear__country_chart') }}
    where footnotes is not null

),

footnote_rules as (

    select rule_id, footnote, scope_eccn, except_eccn, effect, citation, basis
    from {{ ref('country_chart_footnote_rules') }}

),

footnote_matches as (

    {#- a footnote applies to the destinations whose chart row carries its number; its scope is
        matched like a requirement line's paragraph: inside it (or 'ANY'), or broader than it -#}
    select
        lines_in.line_id,
        footnote_rules.effect,
        footnote_rules.citation,
        footnote_rules.basis,
        case
            when footnote_rules.scope_eccn = 'ANY' then 'inside'
            when {{ paragraph_within('lines_in.eccn', 'footnote_rules.scope_eccn') }} then 'inside'
            else 'broader'
        end as relation
    from lines_in
    inner join chart_footnotes
        on lines_in.destination_country = chart_footnotes.country_code
    inner join footnote_rules
        on {{ hsguard.regex_search('chart_footnotes.footnotes', hsguard.regex_literal('(^|\\| )') ~ " || footnote_rules.footnote || ': '") }}
    where lines_in.eccn is not null
        and (
            footnote_rules.scope_eccn = 'ANY'
            or {{ paragraph_within('lines_in.eccn', 'footnote_rules.scope_eccn') }}
            or {{ hsguard.text_starts_with('footnote_rules.scope_eccn', "lines_in.eccn || '.'") }}
        )
        and not coalesce(
            {{ paragraph_within('lines_in.eccn', 'footnote_rules.except_eccn') }}, false
        )

),

per_footnote as (

    select
        line_id,
        max(case when effect = 'license_required' and relation = 'inside' then 1 else 0 end) as has_required,
        max(case when effect = 'license_required' and relation = 'broader' then 1 else 0 end)
            as has_needs_paragraph,
        max(case when effect = 'see_rule' then 1 else 0 end) as has_see_rule,
        {{ dbt.listagg("distinct citation", "'; '", "order by citation") }} as citations,
        {{ dbt.listagg("distinct basis", "' '", "order by basis") }} as evidence
    from footnote_matches
    group by line_id

),

meu_destinations as (

    select country_code
    from {{ ref('stg_ear__rule_destinations') }}
    where rule = 'military_end_use'

),

unknown_paragraphs as (

    {{ eccn_paragraph_checks('lines_in') | indent(4) }}

),

per_line as (

    select
        line_id,
        max(case when line_decision = 'license_required' then 1 else 0 end) as has_required,
        max(case when line_decision = 'needs_paragraph' then 1 else 0 end) as has_needs_paragraph,
        max(case when line_decision = 'conditional' then 1 else 0 end) as has_conditional,
        max(case when line_decision = 'see_rule' then 1 else 0 end) as has_see_rule,
        max(case when line_decision = 'license_required' and reason_code = 'MT' then 1 else 0 end)
            as has_mt_required,
        {#- ordered: without an order the same line's text could differ between runs -#}
        {{ dbt.listagg("distinct reason_code", "', '", "order by reason_code") }} as reasons_for_control,
        {{ dbt.listagg("distinct case when line_decision = 'license_required' then reason_code end", "', '",
            "order by case when line_decision = 'license_required' then reason_code end") }}
            as reasons_requiring_licence,
        {{ dbt.listagg("case when line_decision = 'needs_paragraph' then covered_paragraphs end", "'; '",
            "order by line_number") }} as paragraphs_needing_licence,
        {{ dbt.listagg("line_evidence", "'; '", "order by line_number") }} as requirement_evidence

    from checks_in
    group by line_id

),

rule_decisions as (

    select
        lines_in.*,
        per_line.reasons_for_control,
        per_line.reasons_requiring_licence,
        per_line.paragraphs_needing_licence,
        per_line.requirement_evidence,
        per_line.has_mt_required,
        per_footnote.citations as footnote_citations,
        per_footnote.evidence as footnote_evidence,
        part746.supplements as part746_supplements,
        ccl.lvs_availability,
        ccl.lvs_value_limit_usd,
        ccl.gbs_availability,
        ccl.tsr_availability,
        ccl.license_exception_text,
        exception_symbols.section as exception_section,
        group_b.country_code is not null as is_group_b,
        unknown_paragraphs.paragraph_status,
        unknown_paragraphs.entry_paragraphs,
        case
            when embargoed.country_code is not null then 'embargoed'
            when lines_in.eccn_status is null or lines_in.eccn_status != 'well_formed' then 'no_eccn'
            when lines_in.eccn != 'EAR99' and ccl.eccn is null then 'not_on_ccl'
            when unknown_paragraphs.eccn is not null then 'unknown_paragraph'
            when lines_in.destination_country in ('RU', 'BY') and lines_in.eccn != 'EAR99' then 'ru_by_ccl'
            when lines_in.destination_country in ('RU', 'BY') and part746.hs6 is not null then 'ru_by_hs'
            when lines_in.destination_country in ('RU', 'BY') and lines_in.hs6 is null then 'ru_by_no_hs'
            when per_line.has_required = 1 then 'requirement'
            when per_footnote.has_required = 1 then 'footnote_requirement'
            when per_line.has_needs_paragraph = 1 or per_footnote.has_needs_paragraph = 1 then 'needs_paragraph'
            when per_footnote.has_see_rule = 1 then 'footnote_rule'
            when lines_in.eccn = 'EAR99' then 'ear99'
            when per_line.has_conditional = 1 then 'conditional'
            when per_line.has_see_rule = 1 then 'see_rule'
            when meu_eccns.eccn is not null and meu_destinations.country_code is not null then 'military_end_use'
            else 'no_requirement'
        end as basis

    from lines_in
    left join per_line
        on lines_in.line_id = per_line.line_id
    left join per_footnote
        on lines_in.line_id = per_footnote.line_id
    left join embargoed
        on lines_in.destination_country = embargoed.country_code
    left join part746
        on lines_in.hs6 = part746.hs6
    left join ccl
        on substr(lines_in.eccn, 1, 5) = ccl.eccn
    left join exception_symbols
        on lines_in.license_exception = exception_symbols.license_exception
    left join group_b
        on lines_in.destination_country = group_b.country_code
    left join meu_eccns
        on substr(lines_in.eccn, 1, 5) = meu_eccns.eccn
    left join meu_destinations
        on lines_in.destination_country = meu_destinations.country_code
    left join unknown_paragraphs
        on lines_in.eccn = unknown_paragraphs.eccn

),

decided as (

    select
        rule_decisions.*,
        case
            when basis = 'embargoed' then 'embargoed'
            when basis in ('ru_by_ccl', 'ru_by_hs', 'requirement', 'footnote_requirement') then 'license_required'
            when basis in ('no_eccn', 'not_on_ccl', 'unknown_paragraph', 'ru_by_no_hs', 'conditional')
                then 'undetermined'
            when basis = 'needs_paragraph' then 'needs_paragraph'
            when basis in ('see_rule', 'military_end_use', 'footnote_rule') then 'see_rule'
            else 'nlr'
        end as decision,
        case basis
            when 'embargoed' then 'Part 746; Country Groups E:1/E:2 (Supp. 1 to Part 740)'
            when 'ru_by_ccl' then '§ 746.8(a)(1)'
            when 'ru_by_hs' then '§ 746.8(a)(2); ' || part746_supplements
            when 'ru_by_no_hs' then '§ 746.8(a)(2)'
            when 'military_end_use' then '§ 744.21; Supp. 2 to Part 744'
            when 'footnote_requirement' then footnote_citations
            when 'footnote_rule' then footnote_citations
            when 'ear99' then '§ 734.3(c); Part 744'
            when 'no_eccn' then '§ 738.4'
            when 'not_on_ccl' then 'Supp. 1 to Part 774'
            when 'unknown_paragraph' then 'Supp. 1 to Part 774'
            else '§ 738.4; Part 742'
        end as citation

    from rule_decisions

),

exceptions_checked as (

    select
        decided.*,
        case
            when license_exception is null then 'none'
            when exception_section is null then 'not_an_exception'
            when decision != 'license_required' then 'not_needed'
            when has_mt_required = 1 then 'ineligible'
            when license_exception = 'LVS' and coalesce(lvs_availability, 'no') = 'no' then 'ineligible'
            when license_exception = 'GBS' and coalesce(gbs_availability, 'no') = 'no' then 'ineligible'
            when license_exception = 'TSR' and coalesce(tsr_availability, 'no') = 'no' then 'ineligible'
            when license_exception in ('LVS', 'GBS', 'TSR') and not is_group_b then 'ineligible'
            when license_exception = 'LVS' and value_usd > lvs_value_limit_usd then 'ineligible'
            when license_exception = 'ENC' and not {{ hsguard.regex_search('eccn', "'^5[A-E](002|003|004|992)'") }} then 'ineligible'
            when license_exception = 'LVS' and lvs_availability = 'yes' and value_usd is not null then 'eligible'
            when license_exception = 'GBS' and gbs_availability = 'yes' then 'eligible'
            when license_exception = 'TSR' and tsr_availability = 'yes' then 'eligible'
            else 'unverified'
        end as exception_status

    from decided

),

exception_reasons as (

    select
        exceptions_checked.*,
        case exception_status
            when 'not_an_exception'
                then '"' || license_exception || '" is not a licence exception symbol of Part 740: treated as no exception.'
            when 'not_needed' then 'Licence exception ' || license_exception || ' recorded; not needed for this decision.'
            when 'ineligible'
                then 'Licence exception ' || license_exception || ' is not available: '
                    || case
                        when has_mt_required = 1
                            then 'the item needs a licence for missile technology (MT) reasons (§ 740.2(a)(5)).'
                        when license_exception = 'LVS' and coalesce(lvs_availability, 'no') = 'no'
                            then 'the ECCN''s list-based exceptions do not allow LVS (' || coalesce(license_exception_text, 'none listed') || ').'
                        when license_exception = 'GBS' and coalesce(gbs_availability, 'no') = 'no'
                            then 'the ECCN''s list-based exceptions do not allow GBS (' || coalesce(license_exception_text, 'none listed') || ').'
                        when license_exception = 'TSR' and coalesce(tsr_availability, 'no') = 'no'
                            then 'the ECCN''s list-based exceptions do not allow TSR (' || coalesce(license_exception_text, 'none listed') || ').'
                        when license_exception in ('LVS', 'GBS', 'TSR') and not is_group_b
                            then destination_country || ' is not in Country Group B (' || exception_section || ').'
                        when license_exception = 'LVS'
                            then 'the line''s value ' || cast(value_usd as string) || ' USD exceeds the entry''s LVS limit of '
                                || cast(lvs_value_limit_usd as string) || ' USD (§ 740.3(d)).'
                        else 'ENC (§ 740.17) applies to Category 5 Part 2 encryption items only.'
                    end
            when 'eligible'
                then 'Licence exception ' || license_exception || ' (' || exception_section || '): basic eligibility holds '
                    || '(the ECCN allows it, destination in Country Group B'
                    || case when license_exception = 'LVS' then ', value within the limit' else '' end
                    || '); its other conditions are not verified.'
            when 'unverified'
                then 'Licence exception ' || license_exception || ' (' || coalesce(exception_section, 'Part 740')
                    || ') recorded; its conditions are not verified by hsguard'
                    || case when destination_country in ('RU', 'BY') then ' (§ 746.8(c) limits exceptions for Russia and Belarus)' else '' end
                    || '.'
        end as exception_evidence,
        license_ref is not null or exception_status in ('eligible', 'unverified') as is_covered

    from exceptions_checked

),

final as (

    {#- A party-screening consequence (prohibited / license_required from list hits) joins here
        as one more step; this step's decision is the rule-based one. -#}
    select
        exception_reasons.*,
        case
            when decision = 'embargoed'
                then destination_country || ' is an embargoed destination: the Country Chart row points to Part 746 '
                    || '(Country Groups E:1/E:2); a licence is required for items subject to the EAR, EAR99 included.'
            when basis = 'no_eccn'
                then 'No usable ECCN (' || coalesce(eccn, 'missing') || '): the licence requirement cannot be determined.'
            when basis = 'not_on_ccl'
                then 'ECCN ' || eccn || ' is not on the loaded Commerce Control List: the licence requirement cannot be determined.'
            when basis = 'unknown_paragraph'
                then 'ECCN ' || eccn || ': paragraph .' || substr(eccn, 7) || ' of '
                    || substr(eccn, 1, 5) || ' is ' || case when paragraph_status = 'reserved' then 'reserved'
                        else 'not in the entry''s text as bundled' end
                    || ' (nearest existing paragraphs: ' || coalesce(entry_paragraphs, 'none')
                    || '): the licence requirement cannot '
                    || 'be determined.'
            when basis = 'ru_by_ccl'
                then 'Any item on the Commerce Control List needs a licence for Russia and Belarus (§ 746.8(a)(1)). '
                    || coalesce(requirement_evidence, '')
            when basis = 'ru_by_hs'
                then 'EAR99 item whose HS-6 ' || hs6 || ' is on ' || part746_supplements
                    || ': licence required for Russia and Belarus (§ 746.8(a)(2)).'
            when basis = 'ru_by_no_hs'
                then 'EAR99 item to ' || destination_country || ' without an HS code: whether it is on a Part 746 '
                    || 'supplement (§ 746.8(a)(2)) cannot be determined.'
            when basis = 'ear99'
                then 'EAR99 to ' || destination_country || ': no licence required (NLR) under the Country Chart; '
                    || 'end-use/end-user prohibitions (Part 744) are not evaluated.'
                    || coalesce(' ' || footnote_evidence, '')
            when basis = 'military_end_use'
                then 'ECCN ' || eccn || ' is on Supp. 2 to Part 744 and ' || destination_country || ' is a § 744.21 '
                    || 'destination: a licence is required if the item is intended for a military end use or end user, '
                    || 'which the data does not record. ' || coalesce(requirement_evidence, '')
            when basis in ('footnote_requirement', 'footnote_rule')
                then 'ECCN ' || coalesce(eccn, '?') || ' to ' || destination_country || ': ' || footnote_evidence
                    || case when basis = 'footnote_rule' then ' A person must decide (the data does not hold it).' else '' end
                    || coalesce(' ' || requirement_evidence, '')
            when basis = 'needs_paragraph'
                then 'ECCN ' || eccn || ' to ' || destination_country || ': a licence is required for paragraphs '
                    || coalesce(paragraphs_needing_licence, '?') || '; the declared ECCN does not say which paragraph. '
                    || coalesce(footnote_evidence || ' ', '') || coalesce(requirement_evidence, '')
            when basis = 'conditional'
                then 'ECCN ' || eccn || ' to ' || destination_country || ': a requirement line applies only to items '
                    || 'meeting conditions the data does not hold. ' || coalesce(requirement_evidence, '')
            else 'ECCN ' || eccn || ' to ' || destination_country || ': '
                || coalesce(requirement_evidence, 'no licence-requirement lines')
                || coalesce(' ' || footnote_evidence, '')
        end
        || ' [' || citation || ']'
        || case when license_ref is not null then ' Licence ' || license_ref || ' recorded.' else '' end
        || coalesce(' ' || exception_evidence, '') as evidence

    from exception_reasons

)

select * from final
{%- endmacro %}


{#- Declared ECCN paragraphs that are not paragraphs of the entry, where its item text is
    bundled (stg_ccl__paragraphs: categories 1, 3, 4, 5, and the supplement's entries): the
    declared path, at any depth ('3A001.b.2.a'), is reserved or not in the entry's text
    ('1C230.a': its items a-c are what 1C230 does not control; '3A001.b.2.z'). One row per such
    ECCN of `eccns` (column eccn, normalised) with paragraph_status (reserved / not_in_entry),
    declared_paragraph, nearest_paragraph (the deepest listed ancestor of the declared path,
    '' for the entry itself) and entry_paragraphs: the nearest existing paragraphs (the listed
    paragraphs directly under nearest_paragraph; that paragraph itself when it has none).
    Used by ECCN_UNKNOWN and by license_determinations (undetermined). -#}
{% macro eccn_paragraph_checks(eccns) -%}
with

declared as (

    select distinct
        eccn,
        substr(eccn, 1, 5) as base_eccn,
        split_part(substr(eccn, 7), '.', 1) as top_paragraph,
        substr(eccn, 7) as declared_paragraph
    from {{ eccns }}
    where eccn is not null and eccn != 'EAR99' and length(eccn) > 6 and {{ is_valid_eccn('eccn') }}

),

paragraphs as (

    select eccn, paragraph, status
    from {{ ref('stg_ccl__paragraphs') }}

),

entries as (

    select eccn from paragraphs where status = 'entry'

),

listed as (

    select eccn, paragraph from paragraphs where status = 'listed'

),

unknown as (

    select
        declared.eccn,
        declared.base_eccn,
        declared.top_paragraph,
        declared.declared_paragraph,
        coalesce(paragraphs.status, 'not_in_entry') as paragraph_status

    from declared
    inner join entries
        on declared.base_eccn = entries.eccn
    left join paragraphs
        on declared.base_eccn = paragraphs.eccn
        and declared.declared_paragraph = paragraphs.paragraph
    where coalesce(paragraphs.status, 'not_in_entry') != 'listed'

),

nearest as (

    select
        unknown.eccn,
        substr(unknown.declared_paragraph, 1, coalesce(max(length(listed.paragraph)), 0)) as nearest_paragraph

    from unknown
    left join listed
        on unknown.base_eccn = listed.eccn
        and unknown.declared_paragraph like listed.paragraph || '.%'
    group by unknown.eccn, unknown.declared_paragraph

),

nearest_children as (

    select
        nearest.eccn,
        {{ dbt.listagg("'.' || listed.paragraph", "', '", "order by listed.paragraph") }} as child_paragraphs

    from nearest
    inner join unknown
        on nearest.eccn = unknown.eccn
    inner join listed
        on unknown.base_eccn = listed.eccn
        and (
            (nearest.nearest_paragraph = '' and listed.paragraph not like '%.%')
            or (
                nearest.nearest_paragraph != ''
                and listed.paragraph like nearest.nearest_paragraph || '.%'
                and listed.paragraph not like nearest.nearest_paragraph || '.%.%'
            )
        )
    group by nearest.eccn

),

checked as (

    select
        unknown.eccn,
        unknown.base_eccn,
        unknown.top_paragraph,
        unknown.declared_paragraph,
        unknown.paragraph_status,
        nearest.nearest_paragraph,
        coalesce(
            nearest_children.child_paragraphs,
            case when nearest.nearest_paragraph != '' then '.' || nearest.nearest_paragraph end
        ) as entry_paragraphs

    from unknown
    inner join nearest
        on unknown.eccn = nearest.eccn
    left join nearest_children
        on unknown.eccn = nearest_children.eccn

)

select * from checked
{%- endmacro %}
