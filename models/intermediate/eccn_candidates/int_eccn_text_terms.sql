{{ config(materialized='reusable_table') }}

{#- The stemmed words (macro tokenise, the HS candidates' tokeniser) of every text's
    path (its heading and ancestors, then its own words) and of the Annex I definitions
    of the terms its entry's heading writes, with what BM25 needs: the
    term's frequency in the text, the text's length in words, and the term's inverse
    document frequency over all texts (macro idf). -#}

with

texts as (

    select text_id, path_text, definition_text
    from {{ ref('int_eccn_texts') }}

),

{#- The definitions are read for their words; the text's length (BM25's normalisation)
    is its own path's, so that reading a definition never makes a text's own words count
    for less. -#}
text_parts as (

    select text_id, 'path' as text_part, path_text as part_text
    from texts
    union all
    select text_id, 'definition' as text_part, definition_text as part_text
    from texts
    where definition_text is not null

),

tokens as (

    {{ tokenise('text_parts', ['text_id', 'text_part'], 'part_text', derivations=true) }}

),

term_frequencies as (

    select
        text_id,
        token,
        count(*) as term_frequency,
        max(case when text_part = 'path' then 1 else 0 end) as is_in_path

    from tokens
    group by text_id, token

),

text_lengths as (

    select text_id, count(*) as text_length
    from tokens
    where text_part = 'path'
    group by text_id

),

collection as (

    select count(*) as text_count, avg(text_length) as average_length
    from text_lengths

),

document_frequencies as (

    select
        token,
        case
            when sum(is_in_path) > 0 then sum(is_in_path) else count(*)
        end as document_frequency

    from term_frequencies
    group by token

),

final as (

    select
        term_frequencies.text_id,
        term_frequencies.token,
        term_frequencies.term_frequency,
        text_lengths.text_length,
        collection.average_length,
        document_frequencies.document_frequency,
        {{ idf('document_frequencies.document_frequency', 'collection.text_count') }} as idf

    from term_frequencies
    inner join text_lengths
        on term_frequencies.text_id = text_lengths.text_id
    inner join document_frequencies
        on term_frequencies.token = document_frequencies.token
    cross join collection

)

select * from final
