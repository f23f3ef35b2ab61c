{{ config(materialized='reusable_table') }}

{#- Every candidate line of every product variant (int_candidate_variants) with its
    evidence and one score (the ranking formula of candidate codes):

      score(l) = tariff_score(l)                                  int_candidate_tariff_scores
               + var candidates_weight_ruling * R(l)              rulings
               + var candidates_weight_peer   * P(l)              classified peer products
               + var candidates_weight_prior  * n(h) / (n(h) + 3) precedents in the heading
               + correlation_score(l)                             int_candidate_corrections

      R(l) = 1 - prod_e (1 - s_e(l)) over the product's nearest rulings e (noisy-or: several
             rulings that agree count more than one), and
      s_e(l) = v_e * (sim^a + [same 6 digits] sim^b + [same 8 digits] sim^c + [e's own line] sim^d) / 4
             sim = weighted Dice similarity of the descriptions (int_candidate_neighbours),
             (a, b, c, d) = var candidates_support_exponents = (1, 4, 6, 8): a fairly
             similar ruling points at its heading, only a near identical one at its line;
             a ruling whose code is no line of the current edition any more still
             points at the heading and subheading that exist. v_e = 1 for a ruling.
      P(l) the same over the nearest groups of peer products (identical descriptions
             declaring the same declarable code), v_e = 1 - 0.5^members.
      n(h) the rulings and peer products classified in the candidate's heading (a
             prior: headings with more precedents are more likely).

    The nearest examples are the var candidates_neighbours best by v_e * sim. Leave
    one out: the product's own ruling (var candidates_exclude_self_rulings, the
    evaluation) is never evidence, and its own peer group and heading count it out. -#}

with

variants as (

    select distinct variant_key, text_key, scheme, own_code, self_ruling_id
    from {{ ref('int_candidate_variants') }}

),

examples as (

    select example_type, example_id, scheme, code, text_key, members
    from {{ ref('int_candidate_examples') }}

),

votes as (

    select
        variants.variant_key,
        examples.example_type,
        examples.example_id,
        examples.code,
        examples.text_key as example_text_key,
        neighbours.similarity,
        coalesce(
            examples.example_type = 'peer'
            and examples.text_key = variants.text_key
            and examples.code = variants.own_code, false
        ) as is_own_group,
        examples.members
        - case when examples.example_type = 'peer'
                and examples.text_key = variants.text_key
                and examples.code = variants.own_code then 1
            else 0
        end as members
    from variants
    inner join {{ ref('int_candidate_neighbours') }} as neighbours
        on variants.text_key = neighbours.query_key
    inner join examples
        on neighbours.example_key = examples.text_key
        and variants.scheme = examples.scheme
    where examples.example_type = 'peer'
        or examples.example_id != coalesce(variants.self_ruling_id, '')

),

weighted_votes as (

    select
        votes.*,
        case example_type
            when 'ruling' then 1.0
            else 1 - power(0.5, members)
        end as vote_weight
    from votes
    where members > 0

),

top_votes as (

    {{ top_n_per_group('weighted_votes', ['variant_key'], 'round(vote_weight * similarity, 9) desc, example_type, example_id, code', var('candidates_neighbours', 6), 'vote_rank') }}

),

voted_codes as (

    select distinct variant_key, code from top_votes

),

voted_subheadings as (

    select distinct variant_key, substr(code, 1, 6) as subheading_code from top_votes

),



{#- A variant's candidates: the best lines by tariff text, the lines its own near
    examples point at (their line and the 2 best lines of their subheading), and the
    lines the correlation tables map its outdated declared code to. -#}
text_candidates as (

    select
        variants.variant_key,
        variants.text_key,
        variants.scheme,
        tariff.candidate_code,
        tariff.heading_code,
        tariff.tariff_score,
        tariff.heading_score,
        tariff.path_score,
        tariff.unmatched_idf
    from variants
    inner join {{ ref('int_candidate_tariff_scores') }} as tariff
        on variants.text_key = tariff.text_key
        and variants.scheme = tariff.scheme
    left join voted_codes
        on variants.variant_key = voted_codes.variant_key
        and tariff.candidate_code = voted_codes.code
    left join voted_subheadings
        on variants.variant_key = voted_subheadings.variant_key
        and substr(tariff.candidate_code, 1, 6) = voted_subheadings.subheading_code
    where tariff.tariff_rank <= {{ var('candidates_tariff_candidates', 12) }}
        or tariff.subheading_rank <= {{ var('candidates_tariff_subheadings', 12) }}
        or voted_codes.code is not null
        or (voted_subheadings.subheading_code is not null and tariff.rank_in_subheading <= 2)

),

corrections as (

    select variant_key, candidate_code, from_code, change_source, replacement_count, correlation_score
    from {{ ref('int_candidate_corrections') }}

),

candidates as (

    select * from text_candidates
    union all
    select
        corrections.variant_key,
        variants.text_key,
        variants.scheme,
        corrections.candidate_code,
        substr(corrections.candidate_code, 1, 4) as heading_code,
        coalesce(tariff.tariff_score, 0) as tariff_score,
        coalesce(tariff.heading_score, 0) as heading_score,
        coalesce(tariff.path_score, 0) as path_score,
        coalesce(tariff.unmatched_idf, 0) as unmatched_idf
    from corrections
    inner join variants
        on corrections.variant_key = variants.variant_key
    left join {{ ref('int_candidate_tariff_scores') }} as tariff
        on variants.text_key = tariff.text_key
        and variants.scheme = tariff.scheme
        and corrections.candidate_code = tariff.candidate_code
    left join text_candidates
        on corrections.variant_key = text_candidates.variant_key
        and corrections.candidate_code = text_candidates.candidate_code
    where text_candidates.candidate_code is null

),

supports as (

    select
        candidates.variant_key,
        candidates.candidate_code,
        top_votes.example_type,
        top_votes.example_id,
        top_votes.code as example_code,
        top_votes.example_text_key,
        top_votes.similarity,
        top_votes.members,
        top_votes.is_own_group,
        -- a similar example supports its heading, a very similar one its subheading, a
        -- near identical one its line: sim^e per shared level (heading, 6-digit
        -- subheading, 8-digit line, the example's own line), e = var
        -- candidates_support_exponents, each level a quarter
        {%- set e = var('candidates_support_exponents', [1, 4, 6, 8]) %}
        round(top_votes.vote_weight * 0.25 * (
            power(top_votes.similarity, {{ e[0] }})
            + case when length(top_votes.code) >= 6
                    and substr(candidates.candidate_code, 1, 6) = substr(top_votes.code, 1, 6)
                    then power(top_votes.similarity, {{ e[1] }})
                else 0
            end
            + case when length(top_votes.code) >= 8
                    and substr(candidates.candidate_code, 1, 8) = substr(top_votes.code, 1, 8)
                    then power(top_votes.similarity, {{ e[2] }})
                else 0
            end
            + case when candidates.candidate_code = top_votes.code
                    then power(top_votes.similarity, {{ e[3] }})
                else 0
            end
        ), 9) as support
    from candidates
    inner join top_votes
        on candidates.variant_key = top_votes.variant_key
        and candidates.heading_code = substr(top_votes.code, 1, 4)

),

-- precedent prior: how many examples (rulings, peer products) are classified in the
-- candidate's heading, the product itself and its own ruling left out
heading_precedents as (

    select scheme, substr(code, 1, 4) as heading_code, sum(members) as precedents
    from examples
    group by scheme, substr(code, 1, 4)

),

self_headings as (

    select variant_key, heading_code, count(*) as own
    from (
        select variants.variant_key, substr(examples.code, 1, 4) as heading_code
        from variants
        inner join examples
            on variants.scheme = examples.scheme
            and variants.self_ruling_id = examples.example_id
        where examples.example_type = 'ruling'
        union all
        select variants.variant_key, substr(examples.code, 1, 4) as heading_code
        from variants
        inner join examples
            on variants.scheme = examples.scheme
            and variants.text_key = examples.text_key
            and variants.own_code = examples.code
        where examples.example_type = 'peer'
    ) as own_examples
    group by variant_key, heading_code

),

priors as (

    select
        candidates.variant_key,
        candidates.candidate_code,
        greatest(coalesce(heading_precedents.precedents, 0) - coalesce(self_headings.own, 0), 0) as precedents
    from candidates
    left join heading_precedents
        on candidates.scheme = heading_precedents.scheme
        and candidates.heading_code = heading_precedents.heading_code
    left join self_headings
        on candidates.variant_key = self_headings.variant_key
        and candidates.heading_code = self_headings.heading_code

),

-- per candidate and kind of example: several examples agree, noisy-or of their supports,
-- 1 - prod(1 - support); and the best supporting example (the evidence shown), by support
-- then example id and code (unique within a variant: an arg-min aggregate, no sort)
{%- set best_first = [('supports.support', 'desc'), ('supports.example_id', 'asc'), ('supports.example_code', 'asc')] %}
combined_supports as (

    select
        variant_key,
        candidate_code,
        example_type,
        round(1 - exp(sum(ln(1 - least(support, 0.999)))), 6) as support,
        {{ hsguard.first_ordered('example_id', best_first) }} as example_id,
        {{ hsguard.first_ordered('example_code', best_first) }} as example_code,
        {{ hsguard.first_ordered('example_text_key', best_first) }} as example_text_key,
        {{ hsguard.first_ordered('similarity', best_first) }} as similarity,
        {{ hsguard.first_ordered('members', best_first) }} as members,
        {{ hsguard.first_ordered('is_own_group', best_first) }} as is_own_group
    from supports
    group by variant_key, candidate_code, example_type

),

final as (

    select
        candidates.variant_key,
        candidates.text_key,
        candidates.scheme,
        candidates.candidate_code,
        candidates.heading_code,
        candidates.tariff_score,
        candidates.heading_score,
        candidates.path_score,
        candidates.unmatched_idf,
        {{ var('candidates_weight_ruling', 1.0) }} * coalesce(rulings.support, 0) as ruling_score,
        rulings.example_id as ruling_id,
        rulings.example_code as ruling_code,
        rulings.example_text_key as ruling_text_key,
        rulings.similarity as ruling_similarity,
        {{ var('candidates_weight_peer', 0.8) }} * coalesce(peers.support, 0) as peer_score,
        peers.example_id as peer_sku,
        peers.example_code as peer_code,
        peers.example_text_key as peer_text_key,
        peers.similarity as peer_similarity,
        peers.members as peer_members,
        peers.is_own_group as peer_is_own_group,
        priors.precedents as heading_precedents,
        {{ var('candidates_weight_prior', 0.3) }} * priors.precedents / (priors.precedents + 3.0) as prior_score,
        coalesce(corrections.correlation_score, 0) as correlation_score,
        corrections.from_code as correlation_from_code,
        corrections.change_source as correlation_source,
        corrections.replacement_count as correlation_replacements,

        round(
            coalesce(candidates.tariff_score, 0)
            + {{ var('candidates_weight_ruling', 1.0) }} * coalesce(rulings.support, 0)
            + {{ var('candidates_weight_peer', 0.8) }} * coalesce(peers.support, 0)
            + {{ var('candidates_weight_prior', 0.3) }} * priors.precedents / (priors.precedents + 3.0)
            + coalesce(corrections.correlation_score, 0),
            6
        ) as score

    from candidates
    left join combined_supports as rulings
        on candidates.variant_key = rulings.variant_key
        and candidates.candidate_code = rulings.candidate_code
        and rulings.example_type = 'ruling'
    left join combined_supports as peers
        on candidates.variant_key = peers.variant_key
        and candidates.candidate_code = peers.candidate_code
        and peers.example_type = 'peer'
    left join priors
        on candidates.variant_key = priors.variant_key
        and candidates.candidate_code = priors.candidate_code
    left join corrections
        on candidates.variant_key = corrections.variant_key
        and candidates.candidate_code = corrections.candidate_code

)

select * from final
