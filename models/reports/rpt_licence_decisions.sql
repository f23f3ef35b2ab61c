{#- Shipment lines and products per licence decision (marts.fct_license_determinations). -#}
with

determinations as (
    select
        sku,
        decision
    from {{ ref('fct_license_determinations') }}
),

counted as (
    select
        decision,
        count(*) as shipments,
        count(distinct sku) as products
    from determinations
    group by decision
),

final as (
    select
        row_number() over (order by shipments desc, decision) as display_order,
        decision,
        shipments,
        products,
        {{ hsguard_run_id() }} as run_id
    from counted
)

select * from final
