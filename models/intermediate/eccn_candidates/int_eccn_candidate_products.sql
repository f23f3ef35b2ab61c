{{ config(materialized='reusable_table') }}

{#- Every product with a description and the keys its ECCN candidates are computed
    under (once per product, so the queries, the mart and the checks join on them):
    `query_key` the normalised text *with* its numbers (macro normalise_text): "12 W" and
    "2 W" amplifiers are different questions for an export-control entry (parameters are
    compared per query_key); `word_key` the letters-only fingerprint of the HS candidates
    (macro text_fingerprint): words are matched once per word_key ("Hex bolt - model 003"
    and "- model 004" share it). -#}

with

products as (

    select sku, description
    from {{ ref('int_products_classified') }}
    where nullif(trim(description), '') is not null

),

final as (

    select
        sku,
        md5({{ normalise_text('description') }}) as query_key,
        {{ text_fingerprint('description') }} as word_key,
        description

    from products

)

select * from final
