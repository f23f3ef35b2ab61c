{{ config(materialized='reusable_table') }}

{#- The top `eccn_candidates_top_k` outcomes per description, EAR99 among them: the
    controlled entries ranked by score, and EAR99 placed after those whose confidence
    reaches `eccn_text_review_min_confidence` (so EAR99 is rank 1 when no entry reads
    like the description). `is_abstain` (every row of the description): no entry reaches
    that confidence. -#}

{%- set top_k = var('eccn_candidates_top_k', 5) -%}
{%- set threshold = var('eccn_text_review_min_confidence', 0.5) -%}

with

scores as (

    select * from {{ ref('int_eccn_candidate_scores') }}

),

queries as (

    select query_key from {{ ref('int_eccn_candidate_queries') }}

),

ranked_entries as (

    select
        *,
        row_number() over (partition by query_key order by score desc, confidence desc, eccn) as entry_rank

    from scores

),

top_entries as (

    select * from ranked_entries
    where entry_rank <= {{ top_k }}

),

placement as (

    select
        queries.query_key,
        1 + count(top_entries.eccn) filter (where top_entries.confidence >= {{ threshold }}) as ear99_rank,
        coalesce(max(top_entries.confidence), 0) as best_confidence

    from queries
    left join top_entries
        on queries.query_key = top_entries.query_key
    group by queries.query_key

),

controlled as (

    select
        top_entries.query_key,
        top_entries.entry_rank + case when top_entries.entry_rank >= placement.ear99_rank then 1 else 0 end as rank,
        top_entries.eccn_paragraph as eccn,
        top_entries.eccn as eccn_entry,
        round(top_entries.score, 4) as score,
        round(top_entries.confidence, 4) as confidence,
        placement.best_confidence < {{ threshold }} as is_abstain,
        case
            when top_entries.via_eccn is not null
                then '"' || top_entries.matched_words || '" match ' || top_entries.via_eccn
                    || ' (' || top_entries.source || ' ' || top_entries.source_paragraph || '), named by '
                    || top_entries.eccn_paragraph || ', whose product group the description names'
            else '"' || top_entries.matched_words || '" match ' || top_entries.eccn_paragraph
                || case when top_entries.source = 'EU Annex I' then ' (EU Annex I ' || top_entries.source_paragraph || ')' else ' (' || top_entries.source || ')' end
        end
        || ': "' || left(top_entries.own_text, 200) || case when length(top_entries.own_text) > 200 then '…' else '' end || '"'
        || coalesce('. The terms its heading writes, read with their EU Annex I definitions: ' || top_entries.defined_terms, '')
        || coalesce('. Parameters: ' || top_entries.parameter_evidence, '')
        || '. Word coverage ' || cast(round(100 * top_entries.coverage) as integer) || ' %.' as evidence,
        top_entries.source

    from top_entries
    inner join placement
        on top_entries.query_key = placement.query_key

),

ear99 as (

    select
        query_key,
        ear99_rank as rank,
        'EAR99' as eccn,
        'EAR99' as eccn_entry,
        cast(null as double) as score,
        round(1 - least(best_confidence, 1.0), 4) as confidence,
        best_confidence < {{ threshold }} as is_abstain,
        case
            when best_confidence < {{ threshold }}
                then 'No Commerce Control List entry reads like this description (best confidence '
                    || cast(round(100 * best_confidence) as integer) || ' % < '
                    || cast(round(100 * {{ threshold }}) as integer) || ' %): EAR99 unless a person finds otherwise (EAR 734.3(c)).'
            else 'EAR99 (EAR 734.3(c)) ranks below the entries above, which read like this description.'
        end as evidence,
        'EAR99' as source

    from placement

),

final as (

    select * from controlled
    where rank <= {{ top_k }}
    union all
    select * from ear99
    where rank <= {{ top_k }}

)

select * from final
