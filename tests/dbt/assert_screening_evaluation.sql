{#- Party screening against its evaluation set (seed screening_evaluation_names,
    docs/SCREENING.md), held-out half (fold = test): the real matching of the build
    (int_party_name_matches, the same keys and scoring as for end users) and the same
    severity rule (macro party_match_severity, with the case's destination against the
    entry's countries). Fails (returns a row) when fewer than 98 % of the variants of listed
    entries find their entry at any severity, or more than 1 % of the well-known unlisted
    names get a high or critical match. -#}

with

cases as (

    select
        case_id, trim(party_name) as party_name, nullif(destination_country, '') as destination_country,
        expected, expected_entry_id
    from {{ ref('screening_evaluation_names') }}
    where fold = 'test'

),

matches as (

    select party_name, entry_id, score, match_kind
    from {{ ref('int_party_name_matches') }}
    where name_origin = 'evaluation'

),

entries as (

    select entry_id, countries
    from {{ ref('stg_screening__entries') }}

),

graded as (

    select
        cases.case_id,
        cases.expected,
        matches.entry_id = cases.expected_entry_id as is_expected_entry,
        {{ party_match_severity(
            'matches.match_kind', 'matches.score',
            party_country_corroborates('cases.destination_country', 'entries.countries')
        ) }} as severity

    from cases
    left join matches
        on cases.party_name = matches.party_name
    left join entries
        on matches.entry_id = entries.entry_id

),

per_case as (

    select
        case_id,
        expected,
        coalesce(bool_or(is_expected_entry), false) as found_expected_entry,
        coalesce(bool_or(severity in ('critical', 'high')), false) as is_flagged_high

    from graded
    group by case_id, expected

),

figures as (

    select
        count(case when expected = 'listed' then 1 end) as listed_cases,
        avg(case when expected = 'listed' then cast(found_expected_entry as integer) end) as recall,
        count(case when expected = 'unlisted' then 1 end) as unlisted_cases,
        avg(case when expected = 'unlisted' then cast(is_flagged_high as integer) end) as high_or_critical_rate

    from per_case

),

final as (

    select * from figures
    where recall < 0.98 or high_or_critical_rate > 0.01 or listed_cases < 200 or unlisted_cases < 100

)

select * from final
