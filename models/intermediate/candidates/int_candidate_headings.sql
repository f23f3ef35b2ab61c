{{ config(materialized='reusable_table') }}

{#- The headings looked at for each description and scheme (GRI 1: the terms of the
    headings, read with the chapter titles):

      heading_score H(q, h) = sum_{t in q} heading_weight(t) * idf(t) * field_weight(h, t)
          (int_candidate_query_terms, int_candidate_heading_terms: heading text 1, text
          of a line below var candidates_weight_subtree, chapter title
          +var candidates_weight_chapter, excluded by the heading or chapter
          -var candidates_weight_negated)
      chapter_share = the chapter's score (the description against all words of the
          chapter, int_candidate_chapter_terms) relative to the best chapter's
      ranking_score = H / norm(q) + var candidates_weight_chapter_score * chapter_share,
          norm(q) = sum of heading_weight * idf over the description's known words

    is_top_heading: one of the var candidates_headings best by ranking_score (among
    headings whose H is at least var candidates_heading_reach of the best H). The
    headings of a description's near examples (int_candidate_neighbours) are kept too,
    so that a product's own precedents can bring in their lines (int_candidate_scores);
    they never make a heading "top". -#}

with

query_terms as (

    select text_key, token, heading_weight from {{ ref('int_candidate_query_terms') }}

),

heading_terms as (

    select scheme, heading_code, token, field_weight, idf
    from {{ ref('int_candidate_heading_terms') }}

),

scheme_vocabulary as (

    select scheme, token, max(idf) as idf
    from heading_terms
    group by scheme, token

),

query_norms as (

    select query_terms.text_key, scheme_vocabulary.scheme, round(sum(query_terms.heading_weight * scheme_vocabulary.idf), 9) as norm
    from query_terms
    inner join scheme_vocabulary
        on query_terms.token = scheme_vocabulary.token
    group by query_terms.text_key, scheme_vocabulary.scheme

),

heading_hits as (

    select
        query_terms.text_key,
        heading_terms.scheme,
        heading_terms.heading_code,
        {{ heading_score('query_terms', 'heading_terms') }} as heading_score
    from query_terms
    inner join heading_terms
        on query_terms.token = heading_terms.token
    group by query_terms.text_key, heading_terms.scheme, heading_terms.heading_code

),

best_scores as (

    select text_key, scheme, max(heading_score) as best_score
    from heading_hits
    group by text_key, scheme

),

with_best as (

    select heading_hits.*, best_scores.best_score
    from heading_hits
    inner join best_scores
        on heading_hits.text_key = best_scores.text_key
        and heading_hits.scheme = best_scores.scheme

),

neighbour_headings as (

    select distinct
        neighbours.query_key as text_key,
        examples.scheme,
        substr(examples.code, 1, 4) as heading_code
    from {{ ref('int_candidate_neighbours') }} as neighbours
    inner join {{ ref('int_candidate_examples') }} as examples
        on neighbours.example_key = examples.text_key

),

kept as (

    select
        coalesce(with_best.text_key, neighbour_headings.text_key) as text_key,
        coalesce(with_best.scheme, neighbour_headings.scheme) as scheme,
        coalesce(with_best.heading_code, neighbour_headings.heading_code) as heading_code,
        coalesce(with_best.heading_score, 0) as heading_score,
        coalesce(with_best.heading_score >= {{ var('candidates_heading_reach', 0.4) }} * with_best.best_score, false)
            as is_contending,
        neighbour_headings.heading_code is not null as is_neighbour_heading
    from with_best
    full outer join neighbour_headings
        on with_best.text_key = neighbour_headings.text_key
        and with_best.scheme = neighbour_headings.scheme
        and with_best.heading_code = neighbour_headings.heading_code
    where with_best.heading_score >= {{ var('candidates_heading_reach', 0.4) }} * with_best.best_score
        or neighbour_headings.heading_code is not null

),

chapter_hits as (

    select
        query_terms.text_key,
        chapter_terms.scheme,
        chapter_terms.chapter_code,
        {{ chapter_score('query_terms', 'chapter_terms') }} as chapter_score
    from query_terms
    inner join {{ ref('int_candidate_chapter_terms') }} as chapter_terms
        on query_terms.token = chapter_terms.token
    group by query_terms.text_key, chapter_terms.scheme, chapter_terms.chapter_code

),

chapter_shares as (

    select
        text_key, scheme, chapter_code,
        round(chapter_score / nullif(max(chapter_score) over (partition by text_key, scheme), 0), 9) as chapter_share
    from chapter_hits

),

scored as (

    select
        kept.text_key,
        kept.scheme,
        kept.heading_code,
        kept.heading_score,
        kept.is_contending,
        kept.is_neighbour_heading,
        query_norms.norm,
        coalesce(chapter_shares.chapter_share, 0) as chapter_share,
        round(
            kept.heading_score / nullif(query_norms.norm, 0)
            + {{ var('candidates_weight_chapter_score', 0.3) }} * coalesce(chapter_shares.chapter_share, 0),
            9
        ) as ranking_score
    from kept
    left join chapter_shares
        on kept.text_key = chapter_shares.text_key
        and kept.scheme = chapter_shares.scheme
        and substr(kept.heading_code, 1, 2) = chapter_shares.chapter_code
    left join query_norms
        on kept.text_key = query_norms.text_key
        and kept.scheme = query_norms.scheme

),

ranked as (

    select
        scored.*,
        is_contending and row_number() over (
            partition by text_key, scheme, is_contending
            order by ranking_score desc, heading_code
        ) <= {{ var('candidates_headings', 6) }} as is_top_heading
    from scored

),

final as (

    select
        text_key, scheme, heading_code, heading_score, chapter_share, norm, ranking_score,
        is_top_heading, is_neighbour_heading
    from ranked
    where is_top_heading or is_neighbour_heading

)

select * from final
