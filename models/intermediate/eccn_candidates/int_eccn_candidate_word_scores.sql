{{ config(materialized='reusable_table') }}

{#- How well each text's words explain each description's words (per word_key: numbers
    do not change the words), the best `eccn_word_texts_kept` (15) texts per description:
    BM25 (k1 = 1.2, b = 0.75, the textbook values, not tuned) of the description's words in
    the text's path; `coverage`, the share of the description's idf mass the text explains
    (a word no text uses counts fully against it: "oak dining table" explains little of
    itself through "rotary table"); `evidence_strength` = 1 - exp(-matched idf / 12), which
    discounts thin evidence (one matched word of idf ~7 keeps 44 %, three keep ~83 %): a
    two-word description matching one common word of a paragraph ("White (Asparagus)" ->
    "black and white cameras") is no sign of a controlled item. Parameters are compared
    afterwards, per description (int_eccn_candidate_scores). Sums of doubles are rounded to
    9 decimals: their last bits depend on the order DuckDB adds them in, and the ranking
    must not. -#}

{%- set kept = var('eccn_word_texts_kept', 15) -%}

with

query_terms as (

    select word_key, token, word, idf
    from {{ ref('int_eccn_candidate_query_terms') }}

),

query_weights as (

    select word_key, round(sum(idf), 9) as query_idf
    from query_terms
    group by word_key

),

text_terms as (

    select text_id, token, term_frequency, text_length, average_length, document_frequency, idf
    from {{ ref('int_eccn_text_terms') }}

),

text_count as (

    select count(distinct text_id) as text_count
    from text_terms

),

{#- A text is a candidate of a description only if they share a word that is in at most
    2 % of the texts: pairs that share only common words ("parts", "equipment", "steel")
    never reach a useful confidence, and leaving them out keeps the join small (at 100k
    products it was most of the time). -#}
candidate_pairs as (

    select distinct query_terms.word_key, text_terms.text_id
    from query_terms
    inner join text_terms
        on query_terms.token = text_terms.token
    cross join text_count
    where text_terms.document_frequency <= 0.02 * text_count.text_count

),

pair_terms as (

    select candidate_pairs.word_key, candidate_pairs.text_id, query_terms.token, query_terms.word, query_terms.idf
    from candidate_pairs
    inner join query_terms
        on candidate_pairs.word_key = query_terms.word_key

),

term_matches as (

    select
        query_terms.word_key,
        text_terms.text_id,
        round(sum(
            text_terms.idf * text_terms.term_frequency * 2.2
            / (text_terms.term_frequency + 1.2 * (0.25 + 0.75 * text_terms.text_length / text_terms.average_length))
        ), 9) as bm25,
        round(sum(query_terms.idf), 9) as matched_idf,
        {{ dbt.listagg('query_terms.word', "', '", 'order by query_terms.idf desc, query_terms.word') }} as matched_words

    from pair_terms as query_terms
    inner join text_terms
        on query_terms.text_id = text_terms.text_id
        and query_terms.token = text_terms.token
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
