{#- Code changes between editions and revisions, read from the official tables:
    the HTS10 revision concordance (2025 rev 15 -> 2026 rev 2) and the UNSD HS
    2017 -> 2022 correlation. `relationship` is always old:new (the UNSD file writes
    it new:old, HS 2022 first, so it is turned round here). Used by HS_OUTDATED. -#}

with

hts_revisions as (

    select * from {{ ref('stg_hts__revision_concordance') }}

),

hs_correlations as (

    select * from {{ ref('stg_hs__correlations') }}

),

hts_fanout as (

    select
        hts_revisions.*,
        count(*) over (partition by old_code) as new_per_old,
        count(*) over (partition by new_code) as old_per_new

    from hts_revisions

),

hts_changes as (

    select
        'HTSUS' as scheme,
        revision_from as from_edition,
        revision_to as to_edition,
        old_code as from_code,
        new_code as to_code,
        change_type,
        case
            when old_code is null or new_code is null then null
            else
                case when old_per_new > 1 then 'n' else '1' end
                || ':'
                || case when new_per_old > 1 then 'n' else '1' end
        end as relationship,
        description_old as from_description,
        description_new as to_description,
        'HTS10 revision concordance 2025-2026' as source

    from hts_fanout

),

hs_changes as (

    select
        'HS' as scheme,
        '2017' as from_edition,
        '2022' as to_edition,
        hs2017_code as from_code,
        hs2022_code as to_code,
        case
            when relationship = '1:1' and hs2017_code = hs2022_code then 'unchanged'
            when relationship = '1:1' then 'renumbered'
            when relationship = 'n:1' then 'split'
            when relationship = '1:n' then 'merged'
            else 'many_to_many'
        end as change_type,
        case relationship
            when 'n:1' then '1:n'
            when '1:n' then 'n:1'
            else relationship
        end as relationship,
        cast(null as string) as from_description,
        cast(null as string) as to_description,
        'UNSD HS 2022-2017 correlation' as source

    from hs_correlations

),

unioned as (

    select * from hts_changes
    union all
    select * from hs_changes

),

final as (

    select
        unioned.*,
        coalesce(relationship, '') != '1:1' as needs_review

    from unioned

)

select * from final
