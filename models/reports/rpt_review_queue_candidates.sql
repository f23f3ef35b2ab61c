{#- The three best candidate codes per product of the review queue and scheme it is
    flagged in (marts.fct_product_candidates), shown beside its flags. -#}
with

candidates as (
    select
        sku,
        scheme,
        rank,
        candidate_code,
        candidate_code_display,
        score,
        confidence,
        is_abstain,
        source
    from {{ ref('fct_product_candidates') }}
    where rank <= 3
),

queue as (
    select distinct
        sku,
        scheme
    from {{ ref('rpt_review_queue') }}
),

final as (
    select
        candidates.sku,
        candidates.scheme,
        candidates.rank,
        coalesce(candidates.candidate_code_display, candidates.candidate_code) as code,
        candidates.score,
        candidates.confidence,
        candidates.is_abstain,
        candidates.source,
        {{ hsguard_run_id() }} as run_id
    from candidates
    inner join queue on candidates.sku = queue.sku and candidates.scheme = queue.scheme
)

select * from final
