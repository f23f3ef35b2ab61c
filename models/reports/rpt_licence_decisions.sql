{#- Shipment lines and products per licence decision (marts.fct_license_determinations),
    with the lines that carry a licence or licence exception and those that need one and
    carry none. Every decision the mart holds gets a row, whatever its name. -#}
with

determinations as (
    select
        sku,
        decision,
        is_covered,
        is_missing_licence
    from {{ ref('fct_license_determinations') }}
),

counted as (
    select
        decision,
        count(*) as shipments,
        count(distinct sku) as products,
        count(case when is_covered then 1 end) as lines_covered,
        count(case when is_missing_licence then 1 end) as lines_missing_licence
    from determinations
    group by decision
),

final as (
    select
        row_number() over (order by shipments desc, decision) as display_order,
        decision,
        shipments,
        products,
        lines_covered,
        lines_missing_licence,
        {{ hsguard_run_id() }} as run_id
    from counted
)

select * from final
