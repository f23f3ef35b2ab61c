{#- The review queue: every product with open flags, ranked (risk score, then severity,
    then trade value exposed, then number of flags), one row per product, check and
    scheme: the key a reviewer's decision applies to. Overridden flags stay in the
    flags mart but leave the queue. The report shows the first products by
    `product_rank`; review_queue.csv / .xlsx are these rows with empty decision columns. -#}
with

flags as (
    select
        sku,
        check_code,
        scheme,
        severity,
        severity_rank,
        title,
        declared_code,
        suggested_code,
        evidence,
        shipment_id,
        is_overridden
    from {{ ref('fct_classification_flags') }}
),

products as (
    select
        sku,
        description
    from {{ ref('dim_products') }}
),

risk as (
    select
        sku,
        risk_score,
        top_reasons,
        trade_value_exposed_usd
    from {{ ref('fct_product_risk') }}
),

open_flags as (
    select *
    from flags
    where not coalesce(is_overridden, false)
),

severity_names as (
    select
        severity_rank,
        min(severity) as severity
    from open_flags
    group by severity_rank
),

flagged_products as (
    select
        sku,
        max(severity_rank) as severity_rank,
        count(*) as flags
    from open_flags
    group by sku
),

ranked_products as (
    select
        row_number() over (
            order by
                risk.risk_score desc nulls last,
                flagged_products.severity_rank desc,
                risk.trade_value_exposed_usd desc nulls last,
                flagged_products.flags desc,
                flagged_products.sku
        ) as product_rank,
        flagged_products.sku,
        products.description,
        severity_names.severity as product_severity,
        flagged_products.severity_rank as product_severity_rank,
        flagged_products.flags as product_flags,
        risk.trade_value_exposed_usd,
        risk.risk_score,
        risk.top_reasons
    from flagged_products
    left join products on flagged_products.sku = products.sku
    left join risk on flagged_products.sku = risk.sku
    left join severity_names on flagged_products.severity_rank = severity_names.severity_rank
),

flag_groups as (
    select
        sku,
        check_code,
        scheme,
        max(severity_rank) as severity_rank,
        min(title) as title,
        {{ distinct_sorted_list('declared_code') }} as declared_codes,
        {{ distinct_sorted_list('suggested_code') }} as suggested_codes,
        {{ distinct_sorted_list('evidence') }} as evidence,
        {{ distinct_sorted_list('shipment_id') }} as shipment_ids,
        count(*) as flags
    from open_flags
    group by sku, check_code, scheme
),

final as (
    select
        ranked_products.product_rank,
        ranked_products.sku,
        ranked_products.description,
        ranked_products.product_severity,
        ranked_products.product_flags,
        ranked_products.trade_value_exposed_usd,
        ranked_products.risk_score,
        ranked_products.top_reasons,
        row_number() over (
            partition by ranked_products.sku
            order by flag_groups.severity_rank desc, flag_groups.check_code, flag_groups.scheme
        ) as item_order,
        flag_groups.check_code,
        flag_groups.scheme,
        severity_names.severity,
        flag_groups.title,
        flag_groups.declared_codes,
        flag_groups.suggested_codes,
        flag_groups.evidence,
        flag_groups.shipment_ids,
        flag_groups.flags,
        {{ hsguard_run_id() }} as run_id
    from ranked_products
    inner join flag_groups on ranked_products.sku = flag_groups.sku
    left join severity_names on flag_groups.severity_rank = severity_names.severity_rank
)

select * from final
