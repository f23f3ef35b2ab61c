{{ config(materialized='reusable_table') }}

{#- Every distinct product description (query_key, see int_eccn_candidate_products),
    scored once however many products carry it, with the word_key its words are matched
    under. -#}

with

products as (

    select query_key, word_key, description
    from {{ ref('int_eccn_candidate_products') }}

),

final as (

    select
        query_key,
        min(word_key) as word_key,
        min(description) as description

    from products
    group by query_key

)

select * from final
