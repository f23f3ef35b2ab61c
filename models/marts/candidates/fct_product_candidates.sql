{#- Candidate codes: for every product and scheme, the top var candidates_top_k
    declarable lines of the current edition, ranked, with score, confidence, the
    "needs expert" flag, the sources and the evidence (see int_candidate_scores and
    int_candidate_ranked for the formula). -#}

with

variants as (

    select sku, scheme, variant_key from {{ ref('int_candidate_variants') }}

),

ranked as (

    select * from {{ ref('int_candidate_ranked') }}

),

final as (

    select
        variants.sku,
        variants.scheme,
        cast(ranked.rank as integer) as rank,
        ranked.candidate_code,
        ranked.candidate_code_display,
        ranked.score,
        ranked.confidence,
        ranked.is_abstain,
        replace(ranked.source_list, ' ', '+') as source,
        ranked.tariff_score,
        ranked.ruling_score,
        ranked.peer_score,
        ranked.correlation_score,
        ranked.ruling_id,
        ranked.evidence,
        '{{ env_var("HSGUARD_RUN_ID", "manual") }}' as run_id

    from variants
    inner join ranked
        on variants.variant_key = ranked.variant_key

)

select * from final
