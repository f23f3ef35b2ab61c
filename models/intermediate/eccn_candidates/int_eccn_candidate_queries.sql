{{ config(materialized='reusable_table') }}

{#- Every distinct product description, scored once however many products carry it.
    The key is the normalised text *with* its numbers (macro normalise_text): "12 W" and
    "2 W" amplifiers are different questions for an export-control entry. -#}

with

products as (

    select description
    from {{ ref('int_products_classified') }}
    where nullif(trim(description), '') is not null

),

final as (

    select
        md5({{ normalise_text('description') }}) as query_key,
        min(description) as description

    from products
    group by 1

)

select * from final
