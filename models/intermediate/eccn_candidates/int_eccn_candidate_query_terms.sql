{{ config(materialized='reusable_table') }}

{#- The distinct stemmed words of each description's words (per word_key) (macro tokenise, negated phrases
    removed with macro affirmed_text as for HS candidates), with the word as written and
    the term's idf over the CCL / Annex I texts; a word no text uses gets the idf of a
    term in no text, so words the lists never use weigh most against a match. -#}

with

queries as (

    select word_key, {{ affirmed_text(eccn_without_pack_sizes('min(description)')) }} as affirmed_description
    from {{ ref('int_eccn_candidate_queries') }}
    group by word_key

),

tokens as (

    {{ tokenise('queries', ['word_key'], 'affirmed_description', derivations=true) }}

),

distinct_tokens as (

    select word_key, token, min(word) as word
    from tokens
    group by word_key, token

),

text_idf as (

    select distinct token, idf
    from {{ ref('int_eccn_text_terms') }}

),

text_count as (

    select count(distinct text_id) as text_count
    from {{ ref('int_eccn_text_terms') }}

),

final as (

    select
        distinct_tokens.word_key,
        distinct_tokens.token,
        distinct_tokens.word,
        text_idf.idf is not null as is_in_texts,
        coalesce(text_idf.idf, {{ idf('0', 'text_count.text_count') }}) as idf

    from distinct_tokens
    left join text_idf
        on distinct_tokens.token = text_idf.token
    cross join text_count

)

select * from final
