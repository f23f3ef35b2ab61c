{#- Export-control (ECCN scheme) flags per check: flags, products and shipments. -#}
with

flags as (
    select
        sku,
        check_code,
        severity,
        severity_rank,
        title,
        shipment_id
    from {{ ref('fct_classification_flags') }}
    where scheme = 'ECCN'
),

severity_names as (
    select
        severity_rank,
        min(severity) as severity
    from flags
    group by severity_rank
),

per_check as (
    select
        check_code,
        min(title) as title,
        max(severity_rank) as severity_rank,
        count(*) as flags,
        count(distinct sku) as products,
        count(distinct shipment_id) as shipments
    from flags
    group by check_code
),

final as (
    select
        row_number() over (
            order by per_check.severity_rank desc, per_check.flags desc, per_check.check_code
        ) as display_order,
        per_check.check_code,
        per_check.title,
        severity_names.severity,
        per_check.flags,
        per_check.products,
        per_check.shipments,
        {{ hsguard_run_id() }} as run_id
    from per_check
    left join severity_names on per_check.severity_rank = severity_names.severity_rank
)

select * from final
