{#- Licence determination (EAR Part 738 procedure, 738.4): for each line of `lines`
    (columns line_id, eccn [normalised], destination_country [ISO-2], hs6), evaluate
    every licence-requirement line of the ECCN against the Commerce Country Chart, rules
    that point outside the chart against the Country Groups, Part 746 for embargoed
    destinations and for Russia/Belarus. Returns one row per input line and requirement
    line (`line_checks`). Used by int_license_requirement_checks and by the data test
    that runs real examples through the real chart. -#}
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
    where eccn is not null and eccn != 'EAR99'

),

requirements as (

    select eccn, line_number, reason_code, control_text, chart_text, chart_columns, points_elsewhere,
        applies_to_paragraphs
    from {{ ref('stg_ccl__license_requirements') }}

),

chart as (

    select country_code, column_code, is_licence_required
    from {{ ref('stg_ear__country_chart') }}

),

country_groups as (

    select country_code, country_group
    from {{ ref('stg_ear__country_groups') }}

),

applicability as (

    select
        lines_in.line_id,
        lines_in.eccn,
        lines_in.destination_country,
        requirements.line_number,
        requirements.reason_code,
        requirements.control_text,
        requirements.chart_text,
        requirements.chart_columns,
        requirements.points_elsewhere,
        case
            when not requirements.applies_to_paragraphs then 'applies'
            -- ".z" paragraphs hold items that meet 3A090/4A090-type parameters; an item is only
            -- in them when it is classified there, so a z-only line applies to z items only
            when regexp_matches(requirements.control_text,
                    '^[A-Z]{2} applies to (items controlled by )?[0-9][A-E][0-9]{3}\.z\.')
                then case when lines_in.paragraph like 'z%' then 'applies' else 'not_applicable' end
            when lines_in.paragraph is null then 'paragraph_dependent'
            when position(lines_in.eccn in requirements.control_text) > 0 then 'applies'
            else 'paragraph_dependent'
        end as applicability

    from lines_in
    inner join requirements
        on lines_in.base_eccn = requirements.eccn

),

chart_marks as (

    select
        applicability.line_id,
        applicability.line_number,
        {{ dbt.listagg("chart.column_code", "', '", "order by chart.column_code") }} as columns_with_x

    from applicability
    inner join chart
        on chart.country_code = applicability.destination_country
        and list_contains(string_split(replace(applicability.chart_columns, ' ', ''), ','), chart.column_code)
        and chart.is_licence_required
    group by applicability.line_id, applicability.line_number

),

group_rules as (

    select
        applicability.line_id,
        applicability.line_number,
        regexp_extract_all(split_part(applicability.chart_text, 'excluding', 1), '[A-E]:[0-9]') as included_groups,
        regexp_extract_all(split_part(applicability.chart_text, 'excluding', 2), '[A-E]:[0-9]') as excluded_groups,
        applicability.destination_country

    from applicability
    where applicability.chart_columns is null
        and regexp_matches(applicability.chart_text, '[A-E]:[0-9]')

),

group_hits as (

    select
        group_rules.line_id,
        group_rules.line_number,
        max(case when list_contains(group_rules.included_groups, country_groups.country_group) then 1 else 0 end)
            as in_included,
        max(case when list_contains(group_rules.excluded_groups, country_groups.country_group) then 1 else 0 end)
            as in_excluded,
        {{ dbt.listagg("country_groups.country_group", "', '", "order by country_groups.country_group") }}
            as destination_groups

    from group_rules
    left join country_groups
        on group_rules.destination_country = country_groups.country_code
    group by group_rules.line_id, group_rules.line_number

),

line_checks as (

    select
        applicability.*,
        chart_marks.columns_with_x,
        group_hits.destination_groups,
        case
            when applicability.applicability = 'not_applicable' then 'not_applicable'
            when applicability.chart_columns is not null then
                case when chart_marks.columns_with_x is not null then 'x' else 'no_x' end
            when applicability.chart_text ilike '%any destination worldwide%' then 'x'
            when group_hits.line_id is not null then
                case
                    when (group_hits.in_included = 1 and group_hits.in_excluded = 0)
                        or (applicability.chart_text ilike '%United Arab Emirates%'
                            and applicability.destination_country = 'AE') then 'x'
                    else 'no_x'
                end
            else 'see_rule'
        end as chart_result

    from applicability
    left join chart_marks
        on applicability.line_id = chart_marks.line_id
        and applicability.line_number = chart_marks.line_number
    left join group_hits
        on applicability.line_id = group_hits.line_id
        and applicability.line_number = group_hits.line_number

)

select
    line_checks.*,
    case
        when chart_result = 'not_applicable' then 'not_applicable'
        when chart_result = 'x' and applicability = 'applies' then 'license_required'
        when chart_result = 'x' then 'license_required_paragraph_dependent'
        when chart_result = 'no_x' then 'nlr'
        else 'see_rule'
    end as line_decision,
    coalesce(reason_code, '?') || ' line ' || cast(line_number as varchar) || ' ('
        || coalesce(chart_columns, left(chart_text, 60)) || '): '
        || case
            when chart_result = 'not_applicable' then 'not applicable to this paragraph'
            when chart_result = 'x' and chart_columns is not null then 'X for ' || destination_country
                || ' in ' || columns_with_x
            when chart_result = 'x' then 'rule applies to ' || destination_country
                || coalesce(' (groups ' || destination_groups || ')', '')
            when chart_result = 'no_x' then 'no X for ' || destination_country
            else 'points to ' || chart_text || ' - review'
        end
        || case when applicability = 'paragraph_dependent' and chart_result = 'x'
            then ' [applies only to some paragraphs; the ECCN gives none: decided conservatively]' else '' end
        as line_evidence
from line_checks
{%- endmacro %}
