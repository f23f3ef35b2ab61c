{{ config(materialized='reusable_table') }}

{#- The weighted terms of the descriptions to classify (int_candidate_text_terms of the
    texts in int_candidate_queries), with the weight used to choose headings:
        heading_weight = weight * 1.5 (head noun: what the product is, GRI 1)
                                | 1 (other words of the head phrase, materials)
                                | 1.2 / sqrt(max(number of complement words, 4))
    (vars candidates_weight_head_noun, candidates_weight_tail): complements (use,
    features, listed parts) share one budget, so a long list cannot outweigh the head. -#}

with

query_texts as (

    select distinct text_key from {{ ref('int_candidate_queries') }}

),

terms as (

    select terms.text_key, terms.token, terms.word, terms.role, terms.weight
    from {{ ref('int_candidate_text_terms') }} as terms
    inner join query_texts
        on terms.text_key = query_texts.text_key

),

final as (

    select
        text_key,
        token,
        word,
        role,
        weight,
        weight * case role
            when 'head_noun' then {{ var('candidates_weight_head_noun', 1.5) }}
            when 'head' then 1.0
            when 'material' then 1.0
            else {{ var('candidates_weight_tail', 1.2) }}
                / sqrt(greatest(count(case when role = 'tail' then 1 end) over (partition by text_key), 4))
        end as heading_weight
    from terms

)

select * from final
