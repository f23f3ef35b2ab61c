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

{# Inside the model a heading, a chapter and a token are integer keys (numbered once;
    a heading's key also names its scheme): the large join of the description's words to
    the headings' words, its grouping per description and heading and the window sorts
    below carry integers instead of the scheme, code and token strings, which are joined
    back to the kept rows at the end (the table is the same). Every heading that can be
    kept has a key: the headings with words, and those near examples are classified in
    (an outdated code's heading may have none). -#}
heading_terms as (

    select scheme, heading_code, token, field_weight, idf
    from {{ ref('int_candidate_heading_terms') }}

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

chapter_terms as (

    select scheme, chapter_code, token, idf from {{ ref('int_candidate_chapter_terms') }}

),

heading_codes as (

    select scheme, heading_code from heading_terms
    union
    select scheme, heading_code from neighbour_headings

),

chapters as (

    select
        dense_rank() over (order by scheme, chapter_code) as chapter_key,
        dense_rank() over (order by scheme) as scheme_key,
        scheme,
        chapter_code
    from (select distinct scheme, chapter_code from chapter_terms) as chapter_codes

),

headings as (

    select
        dense_rank() over (order by heading_codes.scheme, heading_codes.heading_code) as heading_key,
        dense_rank() over (order by heading_codes.scheme) as scheme_key,
        heading_codes.scheme,
        heading_codes.heading_code,
        chapters.chapter_key
    from heading_codes
    left join chapters
        on heading_codes.scheme = chapters.scheme
        and substr(heading_codes.heading_code, 1, 2) = chapters.chapter_code

),

tokens as (

    select row_number() over (order by token) as token_key, token
    from (
        select token from heading_terms
        union
        select token from chapter_terms
    ) as vocabulary

),

query_terms as (

    select query_terms.text_key, tokens.token_key, query_terms.heading_weight
    from {{ ref('int_candidate_query_terms') }} as query_terms
    inner join tokens
        on query_terms.token = tokens.token

),

keyed_heading_terms as (

    select headings.heading_key, headings.scheme_key, tokens.token_key, heading_terms.field_weight, heading_terms.idf
    from heading_terms
    inner join headings
        on heading_terms.scheme = headings.scheme
        and heading_terms.heading_code = headings.heading_code
    inner join tokens
        on heading_terms.token = tokens.token

),

scheme_vocabulary as (

    select scheme_key, token_key, max(idf) as idf
    from keyed_heading_terms
    group by scheme_key, token_key

),

query_norms as (

    select query_terms.text_key, scheme_vocabulary.scheme_key, round(sum(query_terms.heading_weight * scheme_vocabulary.idf), 9) as norm
    from query_terms
    inner join scheme_vocabulary
        on query_terms.token_key = scheme_vocabulary.token_key
    group by query_terms.text_key, scheme_vocabulary.scheme_key

),

heading_hits as (

    select
        query_terms.text_key,
        heading_terms.scheme_key,
        heading_terms.heading_key,
        {{ heading_score('query_terms', 'heading_terms') }} as heading_score
    from query_terms
    inner join keyed_heading_terms as heading_terms
        on query_terms.token_key = heading_terms.token_key
    group by query_terms.text_key, heading_terms.scheme_key, heading_terms.heading_key

),

best_scores as (

    select text_key, scheme_key, max(heading_score) as best_score
    from heading_hits
    group by text_key, scheme_key

),

with_best as (

    select heading_hits.*, best_scores.best_score
    from heading_hits
    inner join best_scores
        on heading_hits.text_key = best_scores.text_key
        and heading_hits.scheme_key = best_scores.scheme_key

),

neighbour_heading_keys as (

    select neighbour_headings.text_key, headings.scheme_key, headings.heading_key
    from neighbour_headings
    inner join headings
        on neighbour_headings.scheme = headings.scheme
        and neighbour_headings.heading_code = headings.heading_code

),

kept as (

    select
        coalesce(with_best.text_key, neighbour_heading_keys.text_key) as text_key,
        coalesce(with_best.scheme_key, neighbour_heading_keys.scheme_key) as scheme_key,
        coalesce(with_best.heading_key, neighbour_heading_keys.heading_key) as heading_key,
        coalesce(with_best.heading_score, 0) as heading_score,
        coalesce(with_best.heading_score >= {{ var('candidates_heading_reach', 0.4) }} * with_best.best_score, false)
            as is_contending,
        neighbour_heading_keys.heading_key is not null as is_neighbour_heading
    from with_best
    full outer join neighbour_heading_keys
        on with_best.text_key = neighbour_heading_keys.text_key
        and with_best.heading_key = neighbour_heading_keys.heading_key
    where with_best.heading_score >= {{ var('candidates_heading_reach', 0.4) }} * with_best.best_score
        or neighbour_heading_keys.heading_key is not null

),

keyed_chapter_terms as (

    select chapters.chapter_key, chapters.scheme_key, tokens.token_key, chapter_terms.idf
    from chapter_terms
    inner join chapters
        on chapter_terms.scheme = chapters.scheme
        and chapter_terms.chapter_code = chapters.chapter_code
    inner join tokens
        on chapter_terms.token = tokens.token

),

chapter_hits as (

    select
        query_terms.text_key,
        chapter_terms.scheme_key,
        chapter_terms.chapter_key,
        {{ chapter_score('query_terms', 'chapter_terms') }} as chapter_score
    from query_terms
    inner join keyed_chapter_terms as chapter_terms
        on query_terms.token_key = chapter_terms.token_key
    group by query_terms.text_key, chapter_terms.scheme_key, chapter_terms.chapter_key

),

chapter_shares as (

    select
        text_key, chapter_key,
        round(chapter_score / nullif(max(chapter_score) over (partition by text_key, scheme_key), 0), 9) as chapter_share
    from chapter_hits

),

scored as (

    select
        kept.text_key,
        kept.scheme_key,
        kept.heading_key,
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
    inner join headings
        on kept.heading_key = headings.heading_key
    left join chapter_shares
        on kept.text_key = chapter_shares.text_key
        and headings.chapter_key = chapter_shares.chapter_key
    left join query_norms
        on kept.text_key = query_norms.text_key
        and kept.scheme_key = query_norms.scheme_key

),

ranked as (

    -- heading keys are numbered in code order within a scheme: the tie-break is by code
    select
        scored.*,
        is_contending and row_number() over (
            partition by text_key, scheme_key, is_contending
            order by ranking_score desc, heading_key
        ) <= {{ var('candidates_headings', 6) }} as is_top_heading
    from scored

),

final as (

    select
        ranked.text_key, headings.scheme, headings.heading_code, ranked.heading_score, ranked.chapter_share,
        ranked.norm, ranked.ranking_score, ranked.is_top_heading, ranked.is_neighbour_heading
    from ranked
    inner join headings
        on ranked.heading_key = headings.heading_key
    where ranked.is_top_heading or ranked.is_neighbour_heading

)

select * from final
