{#- Ranked export-control entries per product, from the product's own words: a review
    aid, never a classification (docs/ECCN_CANDIDATES.md). -#}

with

products as (

    select sku, query_key
    from {{ ref('int_eccn_candidate_products') }}

),

ranked as (

    select * from {{ ref('int_eccn_candidates_ranked') }}

),

final as (

    select
        products.sku,
        ranked.rank,
        ranked.eccn,
        ranked.eccn_entry,
        ranked.score,
        ranked.confidence,
        ranked.is_abstain,
        ranked.evidence,
        ranked.source

    from products
    inner join ranked
        on products.query_key = ranked.query_key

)

select * from final
