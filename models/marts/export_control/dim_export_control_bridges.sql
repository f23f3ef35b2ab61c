{#- HS codes that signal export-control review, with the list they come from and how
    far it can be trusted. Product-level review lists (CHPL, China's catalogue, Japan's
    catch-all) feed ECCN_DUAL_USE_REVIEW; the EAR Part 746 supplements are destination
    rules for Russia and Belarus (licence determination), kept here with list_kind. -#}

with

review_lists as (

    select * from {{ ref('stg_bridges__hs_review_lists') }}

),

part746 as (

    select * from {{ ref('stg_ear__part746_hs_lists') }}

),

unioned as (

    select
        code,
        code_level,
        list_name,
        'product_review' as list_kind,
        tier,
        control_code,
        description,
        reliability,
        source_code
    from review_lists

    union all

    select
        hs6 as code,
        6 as code_level,
        'EAR746_' || replace(replace(supplement, 'Part 746 Supp. ', 'SUPP'), ' ', '') as list_name,
        'destination_rule' as list_kind,
        cast(null as string) as tier,
        cast(null as string) as control_code,
        list_description as description,
        'Regulation text (EAR Part 746, eCFR 2026-09-24): licence required for Russia and Belarus for listed HS-6 codes.' as reliability,
        hs6 as source_code
    from part746

),

final as (

    select * from unioned

)

select * from final
