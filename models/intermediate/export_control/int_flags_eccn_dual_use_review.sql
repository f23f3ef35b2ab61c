{#- ECCN_DUAL_USE_REVIEW: the product's HS code is on a product-level export-control
    review list (CHPL, China's 2026 dual-use catalogue, Japan's catch-all headings) while
    its ECCN is EAR99 or missing: goods of this kind are often controlled, confirm the
    ECCN. The suggested code is the product's ECCN candidate from its own words
    (int_product_eccn_text_candidates) where one is confident enough. Japan's
    chapter-wide catch-all scope is too broad to be a signal and is not used; EAR Part
    746 lists are destination rules (licence determination). -#}

with

eccns as (

    select sku, eccn_raw, eccn, hs6
    from {{ ref('int_product_eccns_normalised') }}
    where (eccn is null or eccn = 'EAR99')
        and hs6 is not null

),

review_lists as (

    select code, code_level, list_name, tier, description, reliability
    from {{ ref('stg_bridges__hs_review_lists') }}
    where code_level >= 4

),



{#- Each product's HS prefix at every level a list entry has (an equality join below;
    comparing substrings in the join condition made the database pair every product
    with every list entry). -#}
eccn_prefixes as (

    select eccns.*, levels.code_level, substr(eccns.hs6, 1, levels.code_level) as prefix
    from eccns
    cross join (select distinct code_level from review_lists) as levels

),

matches as (

    select
        eccns.sku,
        eccns.eccn_raw,
        review_lists.list_name,
        review_lists.tier,
        review_lists.description,
        review_lists.reliability,
        review_lists.code,
        case
            when review_lists.list_name = 'CHPL' and review_lists.tier in ('1', '2') then 'CHPL_TIER_1_2'
            when review_lists.list_name = 'CHPL' then 'CHPL_TIER_3_4'
            else review_lists.list_name
        end as signal_level,
        case
            when review_lists.list_name = 'CHPL' then 1
            when review_lists.list_name = 'CN_MOFCOM_2026' then 2
            else 3
        end as list_priority

    from eccn_prefixes as eccns
    inner join review_lists
        on eccns.code_level = review_lists.code_level
        and eccns.prefix = review_lists.code

),

text_candidates as (

    select sku, text_eccn, text_confidence
    from {{ ref('int_product_eccn_text_candidates') }}

),

strongest as (

    select
        *,
        row_number() over (partition by sku order by list_priority, tier, code, description) as strength

    from matches

),

final as (

    select
        strongest.sku,
        'ECCN_DUAL_USE_REVIEW' as check_code,
        'ECCN' as scheme,
        strongest.eccn_raw as declared_code,
        text_candidates.text_eccn as suggested_code,
        'HS ' || strongest.code || ' is on the ' || strongest.list_name || coalesce(' (tier ' || strongest.tier || ')', '')
        || ' list, but the ECCN is ' || coalesce(strongest.eccn_raw, 'missing')
        || ': goods of this kind are often controlled, confirm the ECCN. List entry: '
        || coalesce(left(strongest.description, 160), '') || '. Reliability: ' || strongest.reliability
        || coalesce(
            '. The description reads like ' || text_candidates.text_eccn || ' (confidence '
            || cast(round(100 * text_candidates.text_confidence) as integer) || ' %, see ECCN_TEXT_REVIEW)',
            ''
        ) as evidence,
        cast(null as string) as shipment_id,
        cast(null as integer) as line_no,
        strongest.signal_level as divergence_level

    from strongest
    left join text_candidates
        on strongest.sku = text_candidates.sku
    where strongest.strength = 1

)

select * from final
