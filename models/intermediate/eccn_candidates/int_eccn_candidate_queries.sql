{{ config(materialized='reusable_table') }}

{#- Every distinct product description, scored once however many products carry it.
    `query_key` is the normalised text *with* its numbers (macro normalise_text): "12 W"
    and "2 W" amplifiers are different questions for an export-control entry (their
    parameters are compared per query_key); `word_key` is the letters-only fingerprint
    of the HS candidates (macro text_fingerprint): the words are matched once per word_key
    ("Hex bolt - model 003" and "- model 004" share it). -#}

with

products as (

    select description
    from {{ ref('int_products_classified') }}
    where nullif(trim(description), '') is not null

),

final as (

    select
        md5({{ normalise_text('description') }}) as query_key,
        min({{ text_fingerprint('description') }}) as word_key,
        min(description) as description

    from products
    group by 1

)

select * from final
