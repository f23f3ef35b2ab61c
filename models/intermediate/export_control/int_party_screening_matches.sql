{{ config(materialized='reusable_table') }}

{#- End users of shipment lines matched against the Consolidated Screening List (names
    and aliases). Both sides are normalised (macro normalise_party_name: case, accents,
    punctuation and legal-form words such as LLC, LTD, GMBH, OOO dropped). `exact` = equal
    normalised names; `near` = Jaro-Winkler similarity >= var screening_near_threshold
    (default 0.90) on names of at least 6 characters sharing their first letter. -#}

with

end_users as (

    select distinct end_user, {{ normalise_party_name('end_user') }} as end_user_key
    from {{ ref('int_shipment_lines_classified') }}
    where end_user is not null

),

entries as (

    select entry_id, name, list_name, countries, alt_names
    from {{ ref('stg_screening__entries') }}

),

entry_names as (

    select entry_id, list_name, countries, name as listed_name, name as matched_name
    from entries
    union all
    select entry_id, list_name, countries, name as listed_name, trim(alias.alias_name) as matched_name
    from entries, unnest(string_split(alt_names, ' | ')) as alias (alias_name)
    where alt_names is not null

),

entry_keys as (

    select entry_names.*, {{ normalise_party_name('matched_name') }} as name_key
    from entry_names

),

candidates as (

    select
        end_users.end_user,
        entry_keys.entry_id,
        entry_keys.list_name,
        entry_keys.countries,
        entry_keys.listed_name,
        entry_keys.matched_name,
        case
            when end_users.end_user_key = entry_keys.name_key then 1.0
            else jaro_winkler_similarity(end_users.end_user_key, entry_keys.name_key)
        end as similarity

    from end_users
    inner join entry_keys
        on left(end_users.end_user_key, 1) = left(entry_keys.name_key, 1)
        and length(entry_keys.name_key) >= 6
        and abs(length(end_users.end_user_key) - length(entry_keys.name_key)) <= 6

),

best as (

    select
        *,
        row_number() over (partition by end_user order by similarity desc, entry_id) as rank_in_user

    from candidates
    where similarity >= {{ var('screening_near_threshold') }}

),

final as (

    select
        end_user,
        entry_id,
        list_name,
        countries,
        listed_name,
        matched_name,
        similarity,
        case when similarity = 1.0 then 'exact' else 'near' end as match_kind

    from best
    where rank_in_user = 1

)

select * from final
