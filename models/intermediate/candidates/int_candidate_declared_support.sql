{{ config(materialized='reusable_table') }}

{#- How well a product's description supports the heading of its own declared code, on
    the same heading score the candidates are chosen by (int_candidate_headings, GRI 1:
    the terms of the heading, the lines below it and the chapter title):

        declared_heading_share = H(description, declared heading) / max over headings H

    0 = no word of the description occurs in the declared heading, its lines or its
    chapter title; 1 = the declared heading is the best-matching heading of the scheme.
    declared_chapter_share is the same for the declared chapter against the best chapter,
    on the chapter's title and heading texts (not the lines below them: a chapter's lines
    hold most of its words, so a chapter with many lines, such as 84, shared generic words
    with any description; the ranking's chapter_share of int_candidate_headings still reads
    all of them): a code may sit in the right chapter under a heading whose own words the
    description does not use.
    declared_chapter_best_heading_share is the best heading of the declared chapter on the
    same heading score, against the best heading of the scheme (GRI 1: a chapter is a
    plausible home for the goods when one of its headings is, not when its headings
    together share some words with the description: a large chapter such as 84 gathers
    "part" from one heading, "control" from another). It is at least
    declared_heading_share, on the same scale.
    One row per product and scheme with a well-formed declared code that is a declarable
    line of the current edition (other codes get HS_MALFORMED/UNKNOWN/OUTDATED/...
    instead). Used by HS_TEXT_MISMATCH. -#}

with

declared as (

    select codes.sku, codes.scheme, codes.declared_code_raw, codes.declared_code
    from {{ ref('int_product_codes_normalised') }} as codes
    inner join {{ ref('int_tariff_lines_current') }} as lines
        on codes.scheme = lines.scheme
        and codes.declared_code = lines.declarable_code
        and lines.is_declarable
    where codes.code_status = 'well_formed'
        and codes.scheme in (select distinct candidate_lines.scheme from {{ ref('int_candidate_tariff_lines') }} as candidate_lines)

),

queries as (

    select sku, text_key from {{ ref('int_candidate_queries') }}

),

declared_texts as (

    select declared.*, queries.text_key, substr(declared.declared_code, 1, 4) as heading_code
    from declared
    inner join queries
        on declared.sku = queries.sku

),

declared_headings as (

    select distinct text_key, scheme, heading_code from declared_texts

),

declared_chapters as (

    select distinct text_key, scheme, substr(heading_code, 1, 2) as chapter_code from declared_texts

),

declared_scores as (

    select
        declared_headings.text_key,
        declared_headings.scheme,
        declared_headings.heading_code,
        {{ heading_score('query_terms', 'heading_terms') }} as heading_score
    from declared_headings
    inner join {{ ref('int_candidate_query_terms') }} as query_terms
        on declared_headings.text_key = query_terms.text_key
    inner join {{ ref('int_candidate_heading_terms') }} as heading_terms
        on declared_headings.scheme = heading_terms.scheme
        and declared_headings.heading_code = heading_terms.heading_code
        and query_terms.token = heading_terms.token
    group by declared_headings.text_key, declared_headings.scheme, declared_headings.heading_code

),

declared_chapter_tokens as (

    -- the description's words once per declared chapter (grouped first: joined straight to
    -- the heading terms, DuckDB matched every heading term of the word before the chapter)
    select
        declared_chapters.text_key,
        declared_chapters.scheme,
        declared_chapters.chapter_code,
        query_terms.token,
        sum(query_terms.heading_weight) as heading_weight
    from declared_chapters
    inner join {{ ref('int_candidate_query_terms') }} as query_terms
        on declared_chapters.text_key = query_terms.text_key
    group by declared_chapters.text_key, declared_chapters.scheme, declared_chapters.chapter_code, query_terms.token

),

chapter_heading_scores as (

    -- every heading of the declared chapter that shares a word with the description
    select
        query_terms.text_key,
        query_terms.scheme,
        query_terms.chapter_code,
        heading_terms.heading_code,
        {{ heading_score('query_terms', 'heading_terms') }} as heading_score
    from declared_chapter_tokens as query_terms
    inner join {{ ref('int_candidate_heading_terms') }} as heading_terms
        on query_terms.scheme = heading_terms.scheme
        and query_terms.token = heading_terms.token
        and query_terms.chapter_code = substr(heading_terms.heading_code, 1, 2)
    group by query_terms.text_key, query_terms.scheme, query_terms.chapter_code, heading_terms.heading_code

),

chapter_best_headings as (

    select text_key, scheme, chapter_code, max(heading_score) as best_chapter_heading_score
    from chapter_heading_scores
    group by text_key, scheme, chapter_code

),

title_tokens as (

    -- the words of a chapter's title and of its headings' texts (GRI 1 reads these first)
    select distinct scheme, substr(heading_code, 1, 2) as chapter_code, token
    from {{ ref('int_candidate_heading_terms') }}
    where field in ('heading', 'chapter')

),

title_counts as (

    select scheme, count(distinct chapter_code) as chapters
    from title_tokens
    group by scheme

),

title_frequency as (

    select scheme, token, count(*) as df
    from title_tokens
    group by scheme, token

),

chapter_terms as (

    select
        title_tokens.scheme,
        title_tokens.chapter_code,
        title_tokens.token,
        {{ idf('title_frequency.df', 'title_counts.chapters') }} as idf
    from title_tokens
    inner join title_frequency
        on title_tokens.scheme = title_frequency.scheme
        and title_tokens.token = title_frequency.token
    inner join title_counts
        on title_tokens.scheme = title_counts.scheme

),

chapter_hits as (

    select
        query_terms.text_key,
        chapter_terms.scheme,
        chapter_terms.chapter_code,
        {{ chapter_score('query_terms', 'chapter_terms') }} as chapter_score
    from {{ ref('int_candidate_query_terms') }} as query_terms
    inner join chapter_terms
        on query_terms.token = chapter_terms.token
    where query_terms.text_key in (select declared_texts.text_key from declared_texts)
    group by query_terms.text_key, chapter_terms.scheme, chapter_terms.chapter_code

),

chapter_shares as (

    select
        text_key, scheme, chapter_code,
        chapter_score / nullif(max(chapter_score) over (partition by text_key, scheme), 0) as chapter_share
    from chapter_hits

),

best_scores as (

    -- the best heading of a description is always kept by int_candidate_headings
    select text_key, scheme, max(heading_score) as best_heading_score
    from {{ ref('int_candidate_headings') }}
    group by text_key, scheme

),

final as (

    select
        declared_texts.sku,
        declared_texts.scheme,
        declared_texts.declared_code_raw,
        declared_texts.declared_code,
        declared_texts.text_key,
        declared_texts.heading_code as declared_heading_code,
        coalesce(declared_scores.heading_score, 0) as declared_heading_score,
        best_scores.best_heading_score,
        case
            when coalesce(best_scores.best_heading_score, 0) <= 0 then null
            else least(coalesce(declared_scores.heading_score, 0) / best_scores.best_heading_score, 1.0)
        end as declared_heading_share,
        coalesce(chapter_shares.chapter_share, 0) as declared_chapter_share,
        case
            when coalesce(best_scores.best_heading_score, 0) <= 0 then null
            else least(coalesce(chapter_best_headings.best_chapter_heading_score, 0) / best_scores.best_heading_score, 1.0)
        end as declared_chapter_best_heading_share
    from declared_texts
    left join declared_scores
        on declared_texts.text_key = declared_scores.text_key
        and declared_texts.scheme = declared_scores.scheme
        and declared_texts.heading_code = declared_scores.heading_code
    left join best_scores
        on declared_texts.text_key = best_scores.text_key
        and declared_texts.scheme = best_scores.scheme
    left join chapter_shares
        on declared_texts.text_key = chapter_shares.text_key
        and declared_texts.scheme = chapter_shares.scheme
        and substr(declared_texts.heading_code, 1, 2) = chapter_shares.chapter_code
    left join chapter_best_headings
        on declared_texts.text_key = chapter_best_headings.text_key
        and declared_texts.scheme = chapter_best_headings.scheme
        and substr(declared_texts.heading_code, 1, 2) = chapter_best_headings.chapter_code

)

select * from final
