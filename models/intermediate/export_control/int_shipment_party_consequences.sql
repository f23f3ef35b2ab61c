{{ config(materialized='reusable_table') }}

{#- What the end user's screening matches mean for each shipment line (one row per line
    with at least one match not overridden). The list decides (seed
    screening_list_consequences, from the regulation text): Entity List -> license_required
    (15 CFR 744.11, with the entry's licence requirement and review policy); Denied Persons
    (General Prohibition Four, 736.2(b)(4)) and SDN (OFAC blocking) -> prohibited; Unverified
    List (744.15) and Military End-User List (744.21) -> review; other lists ->
    informational. Only a critical or high match carries its list's consequence; a medium
    one is a possible match for review (possible_match) and changes no decision. Of several
    matches the strongest consequence holds (prohibited, license_required, review,
    informational, possible_match), then severity, then score; the evidence names it and
    counts the others. int_license_determinations raises its decision with it. -#}

with

lines as (

    select shipment_id, line_no, line_id, trim(end_user) as end_user, destination_country
    from {{ ref('int_shipment_lines_classified') }}
    where end_user is not null and trim(end_user) != ''

),

matches as (

    select * from {{ ref('int_party_screening_matches') }}
    where not is_overridden

),

consequences as (

    select list_name, consequence, citation, effect
    from {{ ref('screening_list_consequences') }}

),

line_matches as (

    select
        lines.line_id,
        lines.shipment_id,
        lines.line_no,
        lines.end_user,
        matches.entry_id,
        matches.list_name,
        matches.matched_name,
        matches.score,
        matches.match_kind,
        matches.match_reason,
        matches.severity,
        matches.severity_rank,
        matches.license_requirement,
        matches.license_policy,
        case
            when matches.severity in ('critical', 'high') then coalesce(consequences.consequence, 'review')
            else 'possible_match'
        end as consequence,
        coalesce(consequences.citation, 'list not in seed screening_list_consequences') as citation,
        consequences.effect

    from lines
    inner join matches
        on lines.end_user = matches.end_user
        and lines.destination_country is not distinct from matches.destination_country
    left join consequences
        on matches.list_name = consequences.list_name

),

ranked as (

    select
        *,
        count(*) over (partition by line_id) as match_count,
        row_number() over (
            partition by line_id
            order by
                case consequence
                    when 'prohibited' then 5
                    when 'license_required' then 4
                    when 'review' then 3
                    when 'informational' then 2
                    else 1
                end desc,
                severity_rank desc,
                score desc,
                entry_id
        ) as consequence_rank

    from line_matches

),

final as (

    select
        line_id,
        shipment_id,
        line_no,
        end_user,
        consequence,
        severity,
        list_name,
        entry_id,
        matched_name,
        score,
        match_kind,
        citation,
        match_count,
        'End user "' || end_user || '" matches ' || list_name || ' entry ' || entry_id || ' "' || matched_name
        || '" (' || severity || ', ' || match_kind || ', score ' || cast(score as string) || '; '
        || match_reason || '). '
        || case consequence
            when 'possible_match' then 'Possible match: review before shipping; no decision until then. '
            else citation || ': ' || coalesce(effect, '') || ' '
        end
        || case
            when consequence = 'license_required' and license_requirement is not null
                then 'Entry: licence requirement "' || license_requirement || '"'
                    || coalesce(', review policy "' || license_policy || '"', '') || '. '
            else ''
        end
        || case when match_count > 1 then cast(match_count - 1 as string) || ' other match(es): marts.fct_party_screening_matches.' else '' end
            as evidence

    from ranked
    where consequence_rank = 1

)

select * from final
