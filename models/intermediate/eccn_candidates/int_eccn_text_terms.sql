{{ config(materialized='reusable_table') }}

{#- The stemmed words (macro tokenise, the HS candidates' tokeniser) of every text's
    path (its heading and ancestors, then its own words), with what BM25 needs: the
    term's frequency in the text, the text's length in words, and the term's inverse
    document frequency over all texts (macro idf). -#}

with

texts as (

    select text_id, path_text
    from {{ ref('int_eccn_texts') }}

),

tokens as (

    {{ tokenise('texts', ['text_id'], 'path_text', derivations=true) }}

),

term_frequencies as (

    select text_id, token, count(*) as term_frequency
    from tokens
    group by text_id, token

),

text_lengths as (

    select text_id, count(*) as text_length
    from tokens
    group by text_id

),

collection as (

    select count(*) as text_count, avg(text_length) as average_length
    from text_lengths

),

document_frequencies as (

    select token, count(*) as document_frequency
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
