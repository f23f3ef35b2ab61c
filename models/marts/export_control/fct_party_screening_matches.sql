{#- Every match of a shipment end user to a Consolidated Screening List entry at or above the
    review threshold (var screening_review_score), per destination it is shipped to, strongest
    first: score, matched name or alias, list, entry, entry countries, whether the destination
    corroborates, why it matched, severity, and a reviewer's decision on the pair (copy
    end_user, entry_id and entry_version into screening_overrides.csv to rule a match out).
    docs/SCREENING.md. -#}

with

matches as (

    select * from {{ ref('int_party_screening_matches') }}

),

final as (

    select
        match_id,
        end_user,
        destination_country,
        strength_rank,
        severity,
        score,
        match_kind,
        list_name,
        entry_id,
        matched_name,
        is_alias,
        entry_countries,
        is_country_corroborated,
        match_reason,
        programs,
        license_requirement,
        license_policy,
        entry_version,
        override_status,
        is_overridden,
        override_reason,
        override_reviewer,
        override_decided_at,
        '{{ env_var("HSGUARD_RUN_ID", "manual") }}' as run_id

    from matches

)

select * from final
