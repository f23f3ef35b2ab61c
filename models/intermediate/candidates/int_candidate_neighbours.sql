{{ config(materialized='reusable_table') }}

{#- For each product description, the most similar example descriptions (rulings and
    classified peer products), by weighted Dice similarity of their terms:

        sim(q, e) = 2 * sum_{t in q and e} min(w_q(t), w_e(t)) * idf(t)
                    / ( sum_{t in q} w_q(t) * idf(t) + sum_{t in e} w_e(t) * idf(t) )

    idf over the distinct example texts. Pairs are proposed by the words they share
    that few example texts carry (at most var candidates_neighbour_max_df, or the
    description's 2 rarest words); the best proposals per description get their exact
    similarity over all their words (the shared words are listed for the cited
    examples only, in int_candidate_ranked). Self-matches are kept here: a
    product's own description, or its own ruling, is removed per product downstream
    (int_candidate_scores). -#}

with

query_texts as (

    select distinct text_key from {{ ref('int_candidate_queries') }}

),

example_texts as (

    select distinct text_key from {{ ref('int_candidate_examples') }}

),

terms as (

    -- what the product is counts most: the term weight is scaled by the term's role
    select
        text_key,
        token,
        word,
        weight * case role
            when 'head_noun' then {{ var('candidates_similarity_head_noun', 2.0) }}
            when 'tail' then {{ var('candidates_similarity_tail', 0.5) }}
            else 1.0
        end as weight
    from {{ ref('int_candidate_text_terms') }}

),

example_terms as (

    select terms.text_key, terms.token, terms.word, terms.weight
    from terms
    inner join example_texts
        on terms.text_key = example_texts.text_key

),

example_count as (

    select count(*) as n from example_texts

),

document_frequency as (

    select token, count(*) as df
    from example_terms
    group by token

),

query_terms as (

    select
        terms.text_key,
        terms.token,
        terms.word,
        terms.weight,
        coalesce(document_frequency.df, 0) as df,
        {{ idf('coalesce(document_frequency.df, 0)', 'example_count.n') }} as idf
    from terms
    inner join query_texts
        on terms.text_key = query_texts.text_key
    cross join example_count
    left join document_frequency
        on terms.token = document_frequency.token

),

weighted_example_terms as (

    select
        example_terms.text_key,
        example_terms.token,
        example_terms.weight,
        document_frequency.df,
        {{ idf('document_frequency.df', 'example_count.n') }} as idf
    from example_terms
    inner join document_frequency
        on example_terms.token = document_frequency.token
    cross join example_count

),

query_norms as (

    select text_key, sum(weight * idf) as norm
    from query_terms
    group by text_key

),

example_norms as (

    select text_key, sum(weight * idf) as norm
    from weighted_example_terms
    group by text_key

),



{#- 1. proposals: pairs that share a word rare enough to be worth a look (df at most
    var candidates_neighbour_max_df, or one of the description's 2 rarest words) -#}
query_probe_terms as (

    select
        query_terms.*,
        row_number() over (partition by text_key order by idf desc, token) as rarity_rank
    from query_terms

),

proposals as (

    select
        query_probe_terms.text_key as query_key,
        weighted_example_terms.text_key as example_key,
        round(sum(least(query_probe_terms.weight, weighted_example_terms.weight) * query_probe_terms.idf), 9) as probe_overlap
    from query_probe_terms
    inner join weighted_example_terms
        on query_probe_terms.token = weighted_example_terms.token
    where query_probe_terms.df <= {{ var('candidates_neighbour_max_df', 300) }}
        or (query_probe_terms.rarity_rank <= 2 and query_probe_terms.df <= 10 * {{ var('candidates_neighbour_max_df', 300) }})
    group by query_probe_terms.text_key, weighted_example_terms.text_key

),

shortlist as (

    {{ top_n_per_group('proposals', ['query_key'], 'probe_overlap desc, example_key', 4 * (var('candidates_neighbours', 6) + 2), 'proposal_rank') }}

),



{#- 2. the exact similarity of the shortlisted pairs, over all their words -#}
shared as (

    select
        shortlist.query_key,
        shortlist.example_key,
        sum(least(query_terms.weight, weighted_example_terms.weight) * query_terms.idf) as overlap
    from shortlist
    inner join query_terms
        on shortlist.query_key = query_terms.text_key
    inner join weighted_example_terms
        on shortlist.example_key = weighted_example_terms.text_key
        and query_terms.token = weighted_example_terms.token
    group by shortlist.query_key, shortlist.example_key

),

similarities as (

    select
        shared.query_key,
        shared.example_key,
        round(2.0 * shared.overlap / (query_norms.norm + example_norms.norm), 6) as similarity
    from shared
    inner join query_norms
        on shared.query_key = query_norms.text_key
    inner join example_norms
        on shared.example_key = example_norms.text_key

),

kept as (

    select * from similarities
    where similarity >= {{ var('candidates_min_similarity', 0.2) }}

),

nearest as (

    {{ top_n_per_group('kept', ['query_key'], 'similarity desc, example_key', var('candidates_neighbours', 6) + 2, 'neighbour_rank') }}

),

final as (

    select query_key, example_key, similarity, neighbour_rank
    from nearest

)

select * from final
