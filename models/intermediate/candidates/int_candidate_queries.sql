{{ config(materialized='reusable_table') }}

{#- The products to find candidates for (all of them, or only the SKUs of var
    candidates_only_skus, as `hsguard suggest` does for its one text), with the key of
    their description. Identical descriptions (up to numbers and punctuation) share a
    text_key and are scored once. -#}

with

products as (

    select sku, description
    from {{ ref('int_products_classified') }}
    where description is not null
        {%- if var('candidates_only_skus', none) %}
        and sku in ({% for s in var('candidates_only_skus') %}'{{ s }}'{{ ',' if not loop.last }}{% endfor %})
        {%- endif %}

),

final as (

    select products.sku, texts.text_key
    from products
    inner join {{ ref('int_candidate_texts') }} as texts
        on {{ text_fingerprint('products.description') }} = texts.fingerprint

)

select * from final
