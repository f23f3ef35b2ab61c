{{ config(materialized='reusable_table') }}

{#- How well each export-control entry's texts describe each description, one row per
    description and ECCN (its best-scoring text): the word scores of its word_key
    (int_eccn_candidate_word_scores: BM25, coverage, evidence strength) and its
    parameters.
    Parameters: where the description and the text state the same dimension (frequency,
    power, wavelength, bits, ...) the description's value (or range) is compared with the
    text's bounds (int_eccn_text_thresholds): each dimension met multiplies score and
    confidence by 1.25 (at most twice), each dimension whose every bound the value misses
    halves them; a text that bounds some parameter while the description states none of
    them gets 0.6 (the entry is decided by parameters the description does not give: "a
    valve body" is not yet the corrosion-resistant valve of 2B350.g). Fixed a priori, not
    tuned. Only `eccn_text_review_min_confidence` (the ECCN_TEXT_REVIEW threshold) is
    chosen on data: on the training fold of the evaluation (docs/ECCN_CANDIDATES.md).
    Product groups: a B, D or E entry written by reference to other entries
    (int_eccn_entry_references) reads like them when the description says it is of that
    group (macro eccn_product_group_words: "test", "software", "technology", ...; macro
    eccn_product_group_phrases: "source code", "design data", ...): it
    takes the referenced entry's best text, score and confidence, and the evidence names
    the entry it came through ("via 5A002"). Every entry of a group the description
    names has its score (the ranking, not the confidence) multiplied by 1.25, as for a
    parameter met; fixed a priori, not tuned.
    Head noun: a text that matches the description's head noun (int_eccn_candidate_query_terms:
    what the product is, "spacecraft bus | for a small satellite with star tracker") has
    its score (the ranking, not the confidence) multiplied by 1.25, the same factor: the
    entry for the bus ranks above the entry for a star tracker it carries. -#}

with

queries as (

    select query_key, word_key, description
    from {{ ref('int_eccn_candidate_queries') }}

),

word_scores as (

    select word_key, text_id, bm25, matched_words, matches_head_noun, coverage, evidence_strength
    from {{ ref('int_eccn_candidate_word_scores') }}

),

texts as (

    select text_id, eccn, eccn_paragraph, source_paragraph, source, own_text, defined_terms
    from {{ ref('int_eccn_texts') }}

),

query_quantities as (

    select query_key, quote, dimension, low_si, high_si
    from {{ ref('int_eccn_candidate_query_quantities') }}

),

text_thresholds as (

    select text_id, dimension, lower_bound_si, upper_bound_si, quotes
    from {{ ref('int_eccn_text_thresholds') }}

),

term_matches as (

    select
        queries.query_key,
        word_scores.text_id,
        word_scores.bm25,
        word_scores.matched_words,
        word_scores.matches_head_noun,
        word_scores.coverage,
        word_scores.evidence_strength

    from queries
    inner join word_scores
        on queries.word_key = word_scores.word_key

),

parameter_pairs as (

    select
        term_matches.query_key,
        term_matches.text_id,
        text_thresholds.dimension,
        max(
            case
                when query_quantities.high_si >= coalesce(text_thresholds.lower_bound_si, query_quantities.high_si)
                    and query_quantities.low_si <= coalesce(text_thresholds.upper_bound_si, query_quantities.low_si)
                    then 1
                else 0
            end
        ) as is_met,
        {{ dbt.listagg('distinct query_quantities.quote', "', '", 'order by query_quantities.quote') }} as description_quotes,
        min(text_thresholds.quotes) as text_quotes

    from term_matches
    inner join query_quantities
        on term_matches.query_key = query_quantities.query_key
    inner join text_thresholds
        on term_matches.text_id = text_thresholds.text_id
        and query_quantities.dimension = text_thresholds.dimension
    group by term_matches.query_key, term_matches.text_id, text_thresholds.dimension

),

bounded_texts as (

    select distinct text_id
    from text_thresholds

),

parameter_checks as (

    select
        query_key,
        text_id,
        sum(is_met) as dimensions_met,
        sum(1 - is_met) as dimensions_missed,
        {{ dbt.listagg(
            "'description ' || description_quotes || ' vs ' || text_quotes
            || case when is_met = 1 then ' (met)' else ' (below every threshold)' end",
            "'; '", 'order by dimension'
        ) }} as parameter_evidence

    from parameter_pairs
    group by query_key, text_id

),

scored as (

    select
        term_matches.query_key,
        term_matches.text_id,
        term_matches.matched_words,
        coalesce(parameter_checks.dimensions_met, 0) as dimensions_met,
        coalesce(parameter_checks.dimensions_missed, 0) as dimensions_missed,
        parameter_checks.parameter_evidence,
        pow(1.25, least(coalesce(parameter_checks.dimensions_met, 0), 2))
        * pow(0.5, coalesce(parameter_checks.dimensions_missed, 0))
        * case when bounded_texts.text_id is not null and parameter_checks.text_id is null then 0.6 else 1.0 end
            as parameter_factor,
        term_matches.bm25,
        term_matches.matches_head_noun,
        term_matches.coverage,
        term_matches.evidence_strength

    from term_matches
    left join parameter_checks
        on term_matches.query_key = parameter_checks.query_key
        and term_matches.text_id = parameter_checks.text_id
    left join bounded_texts
        on term_matches.text_id = bounded_texts.text_id

),

with_texts as (

    select
        scored.*,
        texts.eccn,
        scored.bm25 * scored.parameter_factor * case when scored.matches_head_noun then 1.25 else 1.0 end as score,
        least(1.0, scored.coverage * scored.evidence_strength * scored.parameter_factor) as confidence

    from scored
    inner join texts
        on scored.text_id = texts.text_id

),

{#- The texts' own columns (long: own_text) are joined after the window, for the best
    text of each entry only: the window sorts 1.3 million rows at 100k products. -#}
best_text_per_entry as (

    select
        *,
        row_number() over (
            partition by query_key, eccn order by score desc, confidence desc, text_id
        ) as text_rank

    from with_texts

),

own_entries as (

    select
        best_text_per_entry.query_key,
        best_text_per_entry.eccn,
        texts.eccn_paragraph,
        cast(null as string) as via_eccn,
        best_text_per_entry.text_id,
        texts.source,
        texts.source_paragraph,
        texts.own_text,
        texts.defined_terms,
        best_text_per_entry.matched_words,
        best_text_per_entry.dimensions_met,
        best_text_per_entry.dimensions_missed,
        best_text_per_entry.parameter_evidence,
        best_text_per_entry.bm25,
        best_text_per_entry.coverage,
        best_text_per_entry.evidence_strength,
        best_text_per_entry.parameter_factor,
        best_text_per_entry.score,
        best_text_per_entry.confidence

    from best_text_per_entry
    inner join texts
        on best_text_per_entry.text_id = texts.text_id
    where best_text_per_entry.text_rank = 1

),

group_words as (

    {%- for product_group, word in eccn_product_group_words() %}
    select '{{ product_group }}' as product_group, '{{ word }}' as word
    {{ 'union all' if not loop.last }}
    {%- endfor %}

),

group_tokens as (

    select product_group, {{ hsguard.stem_word('word', derivations=true) }} as token
    from group_words

),

word_groups as (

    select queries.query_key, group_tokens.product_group
    from {{ ref('int_eccn_candidate_query_terms') }} as query_terms
    inner join group_tokens
        on query_terms.token = group_tokens.token
    inner join queries
        on query_terms.word_key = queries.word_key

),

{#- The phrases of macro eccn_product_group_phrases ("source code", "design data"), as
    whole words of the description read as its words are (negations, pack sizes removed). -#}
described_queries as (

    select
        query_key,
        lower({{ affirmed_text(eccn_without_pack_sizes('description')) }}) as affirmed_description

    from queries

),

phrase_groups as (

    {%- set phrases = eccn_product_group_phrases() %}
    {%- for product_group in phrases | map('first') | unique | list %}
    select query_key, '{{ product_group }}' as product_group
    from described_queries
    where {{ hsguard.regex_search('affirmed_description', hsguard.regex_literal(
        '(^|[^a-z])(' ~ (phrases | selectattr(0, 'equalto', product_group) | map(attribute=1) | join('|')) ~ ')s?([^a-z]|$)'
    )) }}
    {{ 'union all' if not loop.last }}
    {%- endfor %}

),

query_groups as (

    select query_key, product_group from word_groups
    union
    select query_key, product_group from phrase_groups

),

inherited_entries as (

    select
        own_entries.query_key,
        entry_references.referring_eccn as eccn,
        entry_references.referring_eccn as eccn_paragraph,
        own_entries.eccn as via_eccn,
        own_entries.text_id,
        own_entries.source,
        own_entries.source_paragraph,
        own_entries.own_text,
        own_entries.defined_terms,
        own_entries.matched_words,
        own_entries.dimensions_met,
        own_entries.dimensions_missed,
        own_entries.parameter_evidence,
        own_entries.bm25,
        own_entries.coverage,
        own_entries.evidence_strength,
        own_entries.parameter_factor,
        own_entries.score,
        own_entries.confidence,
        max(
            case
                when own_entries.source_paragraph = entry_references.referenced_paragraph
                    or own_entries.source_paragraph like entry_references.referenced_paragraph || '.%'
                    then length(entry_references.referenced_paragraph)
                else 0
            end
        ) over (partition by own_entries.query_key, own_entries.eccn, entry_references.referring_eccn) as specificity

    from own_entries
    inner join {{ ref('int_eccn_entry_references') }} as entry_references
        on own_entries.eccn = entry_references.referenced_eccn
    inner join query_groups
        on own_entries.query_key = query_groups.query_key
        and substr(entry_references.referring_eccn, 2, 1) = query_groups.product_group

),

{#- Several entries of a group often name the same entry (3B001, 3B002, 3B991 and 3B992
    all name 3A001): only the one naming the paragraph of the matched text most closely
    (3B002 "for testing ... controlled by 3A001.b.2" for a 3A001.b.2.b.1 match) inherits,
    one per matched entry and group, so that they do not fill the ranking with ties. -#}
inherited_ranked as (

    select
        *,
        row_number() over (
            partition by query_key, via_eccn, substr(eccn, 2, 1)
            order by specificity desc, eccn
        ) as inherited_rank

    from inherited_entries

),

inherited_best as (

    select
        query_key, eccn, eccn_paragraph, via_eccn, text_id, source, source_paragraph, own_text, defined_terms,
        matched_words,
        dimensions_met, dimensions_missed, parameter_evidence, bm25, coverage, evidence_strength,
        parameter_factor, score, confidence

    from inherited_ranked
    where inherited_rank = 1

),

entries as (

    select * from own_entries
    union all
    select * from inherited_best

),

{#- The entries whose match an entry of a group the description names inherits (an own
    entry and the inherited rows read through it share query_key and the matched entry):
    the description says it is software (technology, test equipment) for such an item,
    so the item's own entry says what it serves, and the entry naming it what it is. -#}
read_through as (

    select
        *,
        max(case when via_eccn is not null then 1 else 0 end)
            over (partition by query_key, coalesce(via_eccn, eccn)) as is_read_through

    from entries

),

group_weighted as (

    select
        entries.*,
        entries.score
        * case when query_groups.product_group is not null then 1.25 else 1.0 end
        * case
            when query_groups.product_group is null and entries.via_eccn is null and entries.is_read_through = 1
                then 0.8
            else 1.0
        end as ranked_score

    from read_through as entries
    left join query_groups
        on entries.query_key = query_groups.query_key
        and substr(entries.eccn, 2, 1) = query_groups.product_group

),

best_per_entry as (

    select
        *,
        row_number() over (
            partition by query_key, eccn
            order by ranked_score desc, confidence desc, case when via_eccn is null then 0 else 1 end, via_eccn, text_id
        ) as entry_text_rank

    from group_weighted

),

final as (

    select
        query_key,
        eccn,
        eccn_paragraph,
        via_eccn,
        text_id,
        source,
        source_paragraph,
        own_text,
        defined_terms,
        matched_words,
        dimensions_met,
        dimensions_missed,
        parameter_evidence,
        bm25,
        coverage,
        evidence_strength,
        parameter_factor,
        ranked_score as score,
        confidence

    from best_per_entry
    where entry_text_rank = 1

)

select * from final
