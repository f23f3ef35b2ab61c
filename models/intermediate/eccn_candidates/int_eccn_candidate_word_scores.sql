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
    must not.

    Speed (docs/ECCN_CANDIDATES.md, "Speed"): at 100k products there are ~2.4 million
    candidate pairs of a description and a text, so the pairs are built on integer
    numbers of the descriptions, texts and tokens (the strings come back for the kept
    rows only); a pair's word matches are those on its rare words (which make it a
    candidate) and those on the ~160 common words, looked up for the candidate pairs only;
    each text word's BM25 weight is computed once (the texts are reference data); the 15
    best texts are chosen on the sums, and the matched words listed for those alone. -#}

{%- set kept = var('eccn_word_texts_kept', 15) -%}

with

query_terms as (

    select word_key, token, word, idf, is_head_noun
    from {{ ref('int_eccn_candidate_query_terms') }}

),

text_terms as (

    select text_id, token, term_frequency, text_length, average_length, document_frequency, idf
    from {{ ref('int_eccn_text_terms') }}

),

text_count as (

    select count(distinct text_id) as text_count
    from text_terms

),

{#- Each description's number and idf mass (every word, those no text uses included). -#}
query_keys as (

    select
        word_key,
        row_number() over (order by word_key) as word_number,
        round(sum(idf), 9) as query_idf

    from query_terms
    group by word_key

),

{#- Numbered in text_id order, so that ordering by the number orders by text_id. -#}
text_keys as (

    select
        text_id,
        row_number() over (order by text_id) as text_number

    from text_terms
    group by text_id

),

{#- A text is a candidate of a description only if they share a word that is in at most
    2 % of the texts: pairs that share only common words ("parts", "equipment", "steel")
    never reach a useful confidence, and leaving them out keeps the join small (at 100k
    products it was most of the time). -#}
text_tokens as (

    select distinct
        text_terms.token,
        text_terms.document_frequency <= 0.02 * text_count.text_count as is_rare

    from text_terms
    cross join text_count

),

text_term_weights as (

    select
        text_keys.text_number,
        text_terms.token,
        text_tokens.is_rare,
        text_terms.idf * text_terms.term_frequency * 2.2
        / (text_terms.term_frequency + 1.2 * (0.25 + 0.75 * text_terms.text_length / text_terms.average_length))
            as bm25_weight

    from text_terms
    inner join text_keys
        on text_terms.text_id = text_keys.text_id
    inner join text_tokens
        on text_terms.token = text_tokens.token

),

{#- The description words some text uses (the others match nothing). -#}
matchable_query_terms as (

    select
        query_keys.word_number,
        query_terms.token,
        text_tokens.is_rare,
        query_terms.word,
        query_terms.idf,
        query_terms.is_head_noun

    from query_terms
    inner join query_keys
        on query_terms.word_key = query_keys.word_key
    inner join text_tokens
        on query_terms.token = text_tokens.token

),

rare_word_matches as (

    select
        matchable_query_terms.word_number,
        text_term_weights.text_number,
        matchable_query_terms.token,
        matchable_query_terms.idf,
        text_term_weights.bm25_weight

    from matchable_query_terms
    inner join text_term_weights
        on matchable_query_terms.token = text_term_weights.token
    where matchable_query_terms.is_rare

),

candidate_pairs as (

    select distinct word_number, text_number
    from rare_word_matches

),

common_word_matches as (

    select
        candidate_pairs.word_number,
        candidate_pairs.text_number,
        matchable_query_terms.token,
        matchable_query_terms.idf,
        text_term_weights.bm25_weight

    from candidate_pairs
    inner join matchable_query_terms
        on candidate_pairs.word_number = matchable_query_terms.word_number
    inner join text_term_weights
        on candidate_pairs.text_number = text_term_weights.text_number
        and matchable_query_terms.token = text_term_weights.token
    where not matchable_query_terms.is_rare

),

{#- Every word a candidate pair shares, once. -#}
pair_word_matches as (

    select * from rare_word_matches
    union all
    select * from common_word_matches

),

pair_scores as (

    select
        word_number,
        text_number,
        round(sum(bm25_weight), 9) as bm25,
        round(sum(idf), 9) as matched_idf

    from pair_word_matches
    group by word_number, text_number

),

kept_pairs as (

    {{ top_n_per_group('pair_scores', ['word_number'], 'bm25 desc, text_number', kept, 'word_rank') }}

),

kept_pair_words as (

    select
        kept_pairs.word_number,
        kept_pairs.text_number,
        {{ hsguard.listagg_sorted('matchable_query_terms.word', "', '", ['-matchable_query_terms.idf', 'matchable_query_terms.word']) }}
            as matched_words,
        max(case when matchable_query_terms.is_head_noun then 1 else 0 end) = 1 as matches_head_noun

    from kept_pairs
    inner join pair_word_matches
        on kept_pairs.word_number = pair_word_matches.word_number
        and kept_pairs.text_number = pair_word_matches.text_number
    inner join matchable_query_terms
        on pair_word_matches.word_number = matchable_query_terms.word_number
        and pair_word_matches.token = matchable_query_terms.token
    group by kept_pairs.word_number, kept_pairs.text_number

),

final as (

    select
        query_keys.word_key,
        text_keys.text_id,
        kept_pairs.bm25,
        kept_pairs.matched_idf,
        kept_pair_words.matched_words,
        kept_pair_words.matches_head_noun,
        kept_pairs.matched_idf / query_keys.query_idf as coverage,
        1 - exp(-kept_pairs.matched_idf / 12.0) as evidence_strength,
        kept_pairs.word_rank

    from kept_pairs
    inner join kept_pair_words
        on kept_pairs.word_number = kept_pair_words.word_number
        and kept_pairs.text_number = kept_pair_words.text_number
    inner join query_keys
        on kept_pairs.word_number = query_keys.word_number
    inner join text_keys
        on kept_pairs.text_number = text_keys.text_number

)

select * from final
