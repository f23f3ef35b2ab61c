{#- ECCN_DUAL_USE_REVIEW: the product's HS code is on a product-level export-control
    review list (CHPL, China's 2026 dual-use catalogue, Japan's catch-all headings) while
    its ECCN is EAR99 or missing: goods of this kind are often controlled, confirm the
    ECCN. Japan's chapter-wide catch-all scope is too broad to be a signal and is not
    used; EAR Part 746 lists are destination rules (licence determination). -#}

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

strongest as (

    select
        *,
        row_number() over (partition by sku order by list_priority, tier, code, description) as strength

    from matches

),

final as (

    select
        sku,
        'ECCN_DUAL_USE_REVIEW' as check_code,
        'ECCN' as scheme,
        eccn_raw as declared_code,
        cast(null as varchar) as suggested_code,
        'HS ' || code || ' is on the ' || list_name || coalesce(' (tier ' || tier || ')', '')
        || ' list, but the ECCN is ' || coalesce(eccn_raw, 'missing')
        || ': goods of this kind are often controlled, confirm the ECCN. List entry: '
        || coalesce(left(description, 160), '') || '. Reliability: ' || reliability as evidence,
        cast(null as varchar) as shipment_id,
        cast(null as integer) as line_no,
        signal_level as divergence_level

    from strongest
    where strength = 1

)

select * from final
