{{ config(materialized='reusable_table') }}

{#- Every match of a shipment end user to a Consolidated Screening List entry
    (int_party_name_matches), per destination the end user is shipped to: the destination
    among the entry's address countries corroborates the match and sets its severity
    (macro party_match_severity: exact + corroborated critical; exact, or strong fuzzy +
    corroborated, high; other kept matches medium). All matches are kept, ranked by
    strength within the end user and destination. A reviewer's "false positive" for the
    (end user, entry) pair (stg_erp__screening_overrides) marks it overridden when made
    against the entry's current version, lapsed when the entry has changed since. -#}

with

destinations as (

    select distinct trim(end_user) as end_user, destination_country
    from {{ ref('int_shipment_lines_classified') }}
    where end_user is not null and trim(end_user) != ''

),

name_matches as (

    select party_name, entry_id, matched_name, is_alias, score, match_kind, match_reason
    from {{ ref('int_party_name_matches') }}
    where name_origin = 'end_user'

),

entries as (

    select entry_id, list_name, countries, programs, license_requirement, license_policy, entry_version
    from {{ ref('stg_screening__entries') }}

),

overrides as (

    select end_user_match, entry_id, entry_version, decision, reason, reviewer, decided_at, source_row_number
    from {{ ref('stg_erp__screening_overrides') }}

),

latest_overrides as (

    select
        *,
        row_number() over (
            partition by end_user_match, entry_id
            order by decided_at desc nulls last, source_row_number desc
        ) as decision_rank

    from overrides

),

corroborated as (

    select
        destinations.end_user,
        destinations.destination_country,
        name_matches.entry_id,
        entries.list_name,
        name_matches.matched_name,
        name_matches.is_alias,
        name_matches.score,
        name_matches.match_kind,
        name_matches.match_reason,
        entries.countries as entry_countries,
        entries.programs,
        entries.license_requirement,
        entries.license_policy,
        entries.entry_version,
        {{ party_country_corroborates('destinations.destination_country', 'entries.countries') }}
            as is_country_corroborated

    from destinations
    inner join name_matches
        on destinations.end_user = name_matches.party_name
    inner join entries
        on name_matches.entry_id = entries.entry_id

),

graded as (

    select
        *,
        {{ party_match_severity('match_kind', 'score', 'is_country_corroborated') }} as severity

    from corroborated

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            "graded.end_user", "'|'", "coalesce(graded.destination_country, '')", "'|'", "graded.entry_id"
        ])) }} as match_id,
        graded.end_user,
        graded.destination_country,
        graded.entry_id,
        graded.list_name,
        graded.matched_name,
        graded.is_alias,
        graded.score,
        graded.match_kind,
        graded.match_reason || case
            when graded.is_country_corroborated then '; destination ' || graded.destination_country || ' is an entry country'
            when graded.is_country_corroborated = false
                then '; destination ' || coalesce(graded.destination_country, 'unknown') || ' is not an entry country ('
                    || graded.entry_countries || ')'
            else '; the entry gives no country'
        end as match_reason,
        graded.entry_countries,
        graded.is_country_corroborated,
        graded.severity,
        case graded.severity when 'critical' then 4 when 'high' then 3 else 2 end as severity_rank,
        row_number() over (
            partition by graded.end_user, graded.destination_country
            order by
                case graded.severity when 'critical' then 4 when 'high' then 3 else 2 end desc,
                graded.score desc,
                graded.entry_id
        ) as strength_rank,
        graded.programs,
        graded.license_requirement,
        graded.license_policy,
        graded.entry_version,
        case
            when latest_overrides.entry_id is null then null
            when latest_overrides.entry_version = graded.entry_version then 'applied'
            else 'lapsed'
        end as override_status,
        coalesce(latest_overrides.entry_version = graded.entry_version, false) as is_overridden,
        latest_overrides.reason as override_reason,
        latest_overrides.reviewer as override_reviewer,
        latest_overrides.decided_at as override_decided_at

    from graded
    left join latest_overrides
        on lower(graded.end_user) = latest_overrides.end_user_match
        and graded.entry_id = latest_overrides.entry_id
        and latest_overrides.decision_rank = 1

)

select * from final
