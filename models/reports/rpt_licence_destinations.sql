{#- Licence-required shipment lines per destination, with the products and ECCNs. -#}
with

determinations as (
    select
        sku,
        eccn,
        destination_country,
        decision
    from {{ ref('fct_license_determinations') }}
),

licence_required as (
    select *
    from determinations
    where {{ is_licence_required('decision') }}
),

counted as (
    select
        destination_country,
        count(*) as shipments,
        count(distinct sku) as products,
        {{ distinct_sorted_text('eccn') }} as eccns
    from licence_required
    group by destination_country
),

final as (
    select
        row_number() over (order by shipments desc, destination_country) as display_order,
        destination_country,
        shipments,
        products,
        eccns,
        {{ hsguard_run_id() }} as run_id
    from counted
)

select * from final
