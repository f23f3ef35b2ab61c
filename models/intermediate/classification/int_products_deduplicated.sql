{#- One row per SKU: the first occurrence in the file. Repeats are kept in the raw
    table and reported by DUPLICATE_SKU once that check lands. -#}
with

products as (

    select * from {{ ref('stg_erp__products') }}

),

ranked as (

    select
        products.*,
        row_number() over (partition by sku order by source_row_number) as occurrence

    from products

),

final as (

    select * exclude (occurrence)
    from ranked
    where occurrence = 1

)

select * from final
