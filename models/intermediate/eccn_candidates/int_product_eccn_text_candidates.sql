{#- Each product's rank-1 ECCN outcome from its own words (int_eccn_candidates_ranked
    through the description's key): what ECCN_TEXT_REVIEW and ECCN_DUAL_USE_REVIEW read.
    Only products whose rank 1 is a controlled entry confident enough to rank above EAR99
    (not is_abstain). -#}

with

products as (

    select sku, query_key
    from {{ ref('int_eccn_candidate_products') }}

),

ranked as (

    select query_key, eccn, eccn_entry, confidence, evidence
    from {{ ref('int_eccn_candidates_ranked') }}
    where rank = 1
        and not is_abstain
        and eccn_entry != 'EAR99'

),

final as (

    select
        products.sku,
        ranked.eccn as text_eccn,
        ranked.eccn_entry as text_eccn_entry,
        ranked.confidence as text_confidence,
        ranked.evidence as text_evidence

    from products
    inner join ranked
        on products.query_key = ranked.query_key

)

select * from final
