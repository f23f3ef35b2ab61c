{{ config(materialized='reusable_table') }}

{#- One row per scheme, chapter and token: the chapter's vocabulary (the words of its
    title and of all its headings and lines, as affirmed by them) with the token's idf
    over the chapters of the scheme. The chapter score reads the tariff from the top
    (GRI 1: the titles of sections and chapters, then the terms of the headings). -#}

with

heading_terms as (

    select scheme, heading_code, token
    from {{ ref('int_candidate_heading_terms') }}
    where field_weight > 0

),

chapter_tokens as (

    select distinct scheme, substr(heading_code, 1, 2) as chapter_code, token
    from heading_terms

),

chapter_counts as (

    select scheme, count(distinct chapter_code) as chapters
    from chapter_tokens
    group by scheme

),

document_frequency as (

    select scheme, token, count(*) as df
    from chapter_tokens
    group by scheme, token

),

final as (

    select
        chapter_tokens.scheme,
        chapter_tokens.chapter_code,
        chapter_tokens.token,
        {{ idf('document_frequency.df', 'chapter_counts.chapters') }} as idf
    from chapter_tokens
    inner join document_frequency
        on chapter_tokens.scheme = document_frequency.scheme
        and chapter_tokens.token = document_frequency.token
    inner join chapter_counts
        on chapter_tokens.scheme = chapter_counts.scheme

)

select * from final
