{{ config(materialized='reusable_table') }}

{#- Every distinct description that is classified (products) or serves as evidence
    (rulings, peer products). Descriptions with the same fingerprint (normalised
    letters only: "Hex bolt - model 003" and "Hex bolt - model 004") are one text,
    scored once; text_key is its integer key. -#}

with

product_texts as (

    select {{ text_fingerprint('description') }} as fingerprint, description
    from {{ ref('int_products_classified') }}
    where description is not null

),

ruling_texts as (

    select {{ text_fingerprint('description') }} as fingerprint, description
    from {{ ref('stg_rulings__rulings') }}
    where description is not null

),

all_texts as (

    select * from product_texts
    union all
    select * from ruling_texts

),

distinct_texts as (

    select fingerprint, min(description) as description
    from all_texts
    group by fingerprint

),

final as (

    select
        row_number() over (order by fingerprint) as text_key,
        fingerprint,
        description
    from distinct_texts

)

select * from final
