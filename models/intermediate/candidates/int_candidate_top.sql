{{ config(materialized='reusable_table') }}

{#- The top var candidates_top_k candidates of every variant, with a confidence and
    the abstain flag (the evidence is written by int_candidate_ranked).

    Ranking: by score, where each further line of a subheading already listed loses
    var candidates_repeat_penalty per better line of the same subheading (score =
    evidence_score - penalty * (rank within its subheading - 1)): the list offers
    alternatives at the level where the classification is decided (GRI 1 then 6), each
    with its best national line, and a second line of a subheading only when it is
    clearly better than the other subheadings.

    confidence: the estimated chance that the candidate's subheading (6 digits) is the
    right one, a logistic function of its score and its lead over the best other listed
    candidate (Platt scaling):
        confidence = 1 / (1 + exp(-(a + b * score + c * (score - best other score))))
    (below rank 1 scaled so that a list's confidences add up to at most 1)
    with (a, b, c) = var candidates_confidence_coefficients, fitted on the 200 bundled
    CBP rulings (leave-one-out scores; `hsguard evaluate-candidates` reports how often
    rank 1 is right per confidence band).
    is_abstain ("needs expert"): the rank-1 confidence is below var
    candidates_abstain_below; every row of that product and scheme carries the flag. -#}

with

scores as (

    select * from {{ ref('int_candidate_scores') }}

),

diversified as (

    -- a list of alternatives: each further line of a subheading already listed loses
    -- var candidates_repeat_penalty per better line of the same subheading. Both rankings
    -- run on narrow rows (the key and the scores); the other columns are joined to the
    -- kept rows only
    select
        variant_key,
        candidate_code,
        tariff_score,
        round(score - {{ var('candidates_repeat_penalty', 0.2) }} * (row_number() over (
            partition by variant_key, substr(candidate_code, 1, 6)
            order by score desc, tariff_score desc, candidate_code
        ) - 1), 6) as score
    from scores

),

ranked_keys as (

    {{ top_n_per_group('diversified', ['variant_key'], 'score desc, tariff_score desc, candidate_code', var('candidates_top_k', 5), 'rank') }}

),

ranked as (

    select
        scores.variant_key,
        scores.text_key,
        scores.scheme,
        scores.candidate_code,
        scores.heading_code,
        scores.score as evidence_score,
        ranked_keys.score,
        scores.tariff_score,
        scores.heading_score,
        scores.ruling_score,
        scores.ruling_id,
        scores.ruling_code,
        scores.ruling_text_key,
        scores.ruling_similarity,
        scores.peer_score,
        scores.peer_sku,
        scores.peer_code,
        scores.peer_text_key,
        scores.peer_similarity,
        scores.peer_members,
        scores.peer_is_own_group,
        scores.prior_score,
        scores.correlation_score,
        scores.correlation_from_code,
        scores.correlation_source,
        scores.correlation_replacements,
        ranked_keys.rank
    from ranked_keys
    inner join scores
        on ranked_keys.variant_key = scores.variant_key
        and ranked_keys.candidate_code = scores.candidate_code

),

{%- set coefficients = var('candidates_confidence_coefficients', [-3.0, 1.6, 4.0]) %}

top_k as (

    select
        ranked.*,
        1.0 / (1.0 + exp(-(
            {{ coefficients[0] }}
            + {{ coefficients[1] }} * score
            + {{ coefficients[2] }} * (score - coalesce(
                case when rank = 1
                        then max(case when rank = 2 then score end) over (partition by variant_key)
                    else max(case when rank = 1 then score end) over (partition by variant_key)
                end, 0
            ))
        ))) as raw_confidence
    from ranked

),

-- the candidates are alternatives: below rank 1 the estimates are scaled down so that
-- the confidences of one list never add up to more than 1. The other candidates'
-- confidences are added in rank order, written out (a sum of doubles depends on its
-- order; an ordered window sum cost more than the whole ranking)
list_confidences as (

    select
        variant_key,
        max(case when rank = 1 then raw_confidence end) as first_confidence,
        0
        {%- for k in range(2, var('candidates_top_k', 5) + 1) %}
        + coalesce(max(case when rank = {{ k }} then raw_confidence end), 0)
        {%- endfor %} as others_confidence
    from top_k
    group by variant_key

),

list_totals as (

    select top_k.*, list_confidences.first_confidence, list_confidences.others_confidence
    from top_k
    inner join list_confidences
        on top_k.variant_key = list_confidences.variant_key

),

final as (

    select
        list_totals.*,
        case
            when rank = 1 or others_confidence <= 1 - first_confidence then raw_confidence
            else raw_confidence * (1 - first_confidence) / others_confidence
        end as confidence,
        first_confidence < {{ var('candidates_abstain_below', 0.4) }} as is_abstain
    from list_totals

)

select * from final
