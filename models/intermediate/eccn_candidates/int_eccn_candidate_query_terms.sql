{{ config(materialized='reusable_table') }}

{#- The distinct stemmed words of each description's words (per word_key) (macro tokenise, negated phrases
    removed with macro affirmed_text as for HS candidates), with the word as written and
    the term's idf over the CCL / Annex I texts; a word no text uses gets the idf of a
    term in no text, so words the lists never use weigh most against a match;
    `is_head_noun` marks the head noun (below). -#}

with

queries as (

    select word_key, {{ affirmed_text(eccn_without_pack_sizes('min(description)')) }} as affirmed_description
    from {{ ref('int_eccn_candidate_queries') }}
    group by word_key

),

tokens as (

    {{ tokenise('queries', ['word_key'], 'affirmed_description', derivations=true) }}

),

{#- The head noun (macro head_phrase, as for the HS candidates: the last word of the
    words before the first complement, "GaN MMIC power amplifier | , 9 to 10 GHz",
    "spacecraft bus | for a small satellite", and the word before it when the last is
    generic, "magnetic bearing system"), cut before its first number ("pneumatic cylinder
    | 50 mm bore": a parameter is no part of the name): what the product is. -#}
head_texts as (

    select
        word_key,
        {{ hsguard.regex_replace_all(head_phrase('affirmed_description'), '(^|[^a-z0-9])[0-9].*', ' ') }} as head_text

    from queries

),

head_tokens as (

    {{ tokenise('head_texts', ['word_key'], 'head_text', derivations=true) }}

),

head_positions as (

    select
        word_key,
        word_position,
        word,
        token,
        max(word_position) over (partition by word_key) as last_position

    from head_tokens

),

generic_heads as (

    select distinct word_key
    from head_positions
    where word_position = last_position
        and word in ({% for w in text_generic_nouns() %}'{{ w }}'{{ ',' if not loop.last }}{% endfor %})

),

head_nouns as (

    select distinct head_positions.word_key, head_positions.token
    from head_positions
    left join generic_heads
        on head_positions.word_key = generic_heads.word_key
    where (head_positions.word_position = head_positions.last_position and generic_heads.word_key is null)
        or (head_positions.word_position = head_positions.last_position - 1 and generic_heads.word_key is not null)

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
        head_nouns.token is not null as is_head_noun,
        text_idf.idf is not null as is_in_texts,
        coalesce(text_idf.idf, {{ idf('0', 'text_count.text_count') }}) as idf

    from distinct_tokens
    left join head_nouns
        on distinct_tokens.word_key = head_nouns.word_key
        and distinct_tokens.token = head_nouns.token
    left join text_idf
        on distinct_tokens.token = text_idf.token
    cross join text_count

)

select * from final
