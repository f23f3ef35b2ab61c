{{ config(materialized='reusable_table') }}

{#- How well each text's words explain each description's words (per word_key: numbers
    do not change the words), the best `eccn_word_texts_kept` (40) texts per description:
    BM25 (k1 = 1.2, b = 0.75, the textbook values, not tuned) of the description's words in
    the text's path; `coverage`, the share of the description's idf mass the text explains
    (a word no text uses counts fully against it: "oak dining table" explains little of
    itself through "rotary table"); `evidence_strength` = 1 - exp(-matched idf / 12), which
    discounts thin evidence (one matched word of idf ~7 keeps 44 %, three keep ~83 %): a
    two-word description matching one common word of a paragraph ("White (Asparagus)" ->
    "black and white cameras") is no sign of a controlled item. Parameters are compared
    afterwards, per description (int_eccn_candidate_scores). -#}

{%- set kept = var('eccn_word_texts_kept', 40) -%}

with

query_terms as (

    select word_key, token, word, idf
    from {{ ref('int_eccn_candidate_query_terms') }}

),

query_weights as (

    select word_key, sum(idf) as query_idf
    from query_terms
    group by word_key

),

text_terms as (

    select text_id, token, term_frequency, text_length, average_length, idf
    from {{ ref('int_eccn_text_terms') }}

),

term_matches as (

    select
        query_terms.word_key,
        text_terms.text_id,
        sum(
            text_terms.idf * text_terms.term_frequency * 2.2
            / (text_terms.term_frequency + 1.2 * (0.25 + 0.75 * text_terms.text_length / text_terms.average_length))
        ) as bm25,
        sum(query_terms.idf) as matched_idf,
        string_agg(query_terms.word, ', ' order by query_terms.idf desc, query_terms.word) as matched_words

    from query_terms
    inner join text_terms
        on query_terms.token = text_terms.token
    group by query_terms.word_key, text_terms.text_id

),

scored as (

    select
        term_matches.*,
        term_matches.matched_idf / query_weights.query_idf as coverage,
        1 - exp(-term_matches.matched_idf / 12.0) as evidence_strength

    from term_matches
    inner join query_weights
        on term_matches.word_key = query_weights.word_key

),

final as (

    {{ top_n_per_group('scored', ['word_key'], 'bm25 desc, text_id', kept, 'word_rank') }}

)

select * from final
