{#- One row per figure the report shows, with a stable key, its value and a plain-word
    label; `is_card` marks the KPI cards at the top of the report (the other figures are
    shown in their sections). `detail` is the card's second line. -#}
with

products as (
    select sku
    from {{ ref('dim_products') }}
),

flags as (
    select
        sku,
        severity,
        severity_rank,
        is_overridden
    from {{ ref('fct_classification_flags') }}
),

risk as (
    select trade_value_exposed_usd
    from {{ ref('fct_product_risk') }}
),

determinations as (
    select decision
    from {{ ref('fct_license_determinations') }}
),

input_files as (
    select
        rows_in,
        rows_quarantined
    from {{ ref('rpt_input_files') }}
),

quarantined_rows as (
    select quarantined_row_id
    from {{ ref('rpt_quarantined_rows') }}
),

field_rejections as (
    select field_rejection_id
    from {{ ref('rpt_field_rejections') }}
),

expectations as (
    select
        suite,
        success,
        blocking,
        reused
    from {{ ref('rpt_expectation_results') }}
),

flag_changes as (
    select
        change,
        flags
    from {{ ref('rpt_flag_changes') }}
),

product_counts as (
    select
        (select count(*) from products) as products,
        (select count(distinct sku) from flags) as flagged_products,
        (select count(*) from flags) as flags_total,
        (select count(distinct sku) from flags where not coalesce(is_overridden, false)) as open_flagged_products
),

exposure as (
    select
        coalesce(sum(trade_value_exposed_usd), 0) as exposure_usd,
        count(case when trade_value_exposed_usd > 0 then 1 end) as products_exposed
    from risk
),

severities as (
    select
        severity,
        max(severity_rank) as severity_rank,
        count(*) as flags
    from flags
    group by severity
),

licences as (
    select count(*) as licence_required
    from determinations
    where {{ is_licence_required('decision') }}
),

input_rows as (
    select
        sum(rows_in) as rows_in,
        sum(rows_quarantined) as rows_quarantined
    from input_files
),

validation as (
    select
        count(*) as expectations,
        count(case when not success then 1 end) as expectations_failed,
        count(case when not success and blocking then 1 end) as expectations_blocking,
        count(distinct case when reused then suite end) as suites_reused,
        count(distinct suite) as suites
    from expectations
),

changes as (
    select
        coalesce(sum(case when change = 'new' then flags end), 0) as flags_new,
        coalesce(sum(case when change = 'resolved' then flags end), 0) as flags_resolved
    from flag_changes
),

cards as (
    select
        10 as display_order,
        'products' as kpi_key,
        'Products audited' as label,
        cast(products as double) as value,
        cast(null as varchar) as detail,
        cast(null as varchar) as severity,
        cast(null as varchar) as basis
    from product_counts
    union all
    select
        20,
        'flagged_products',
        'Products with flags',
        flagged_products,
        case
            when products > 0
                then cast(cast(round(100.0 * flagged_products / products, 1) as decimal(18, 1)) as varchar)
                || '% of products'
        end,
        null,
        null
    from product_counts
    union all
    select 30, 'flags_total', 'Flags', flags_total, null, null, null
    from product_counts
    union all
    select
        100 - severity_rank,
        'flags_' || severity,
        upper(substr(severity, 1, 1)) || lower(substr(severity, 2)) || ' flags',
        flags,
        null,
        severity,
        null
    from severities
    union all
    select
        200,
        'trade_value_exposed_usd',
        'Trade value exposed',
        round(exposure_usd, 2),
        {{ thousands('products_exposed') }} || ' products',
        null,
        'marts.fct_product_risk.trade_value_exposed_usd'
    from exposure
    union all
    select
        210,
        'license_required_shipments',
        'Licence-required shipments',
        licence_required,
        null,
        case when licence_required > 0 then 'critical' end,
        'marts.fct_license_determinations'
    from licences
    union all
    select
        220,
        'rows_quarantined',
        'Input rows quarantined',
        coalesce(rows_quarantined, 0),
        'of ' || {{ thousands('coalesce(rows_in, 0)') }} || ' rows in',
        null,
        'audit.load_lineage'
    from input_rows
    union all
    select 230, 'flags_new', 'New flags', flags_new, null, null, 'audit.flag_history'
    from changes
    union all
    select 240, 'flags_resolved', 'Resolved flags', flags_resolved, null, null, 'audit.flag_history'
    from changes
),

section_figures as (
    select
        300 as display_order,
        'review_queue_products' as kpi_key,
        'Products with open flags (the review queue)' as label,
        cast(open_flagged_products as double) as value,
        cast(null as varchar) as detail,
        cast(null as varchar) as severity,
        'marts.fct_classification_flags, overridden flags left out' as basis
    from product_counts
    union all
    select 310, 'quarantined_rows', 'Input rows quarantined in this run', count(*), null, null, 'audit.quarantine'
    from quarantined_rows
    union all
    select 315, 'values_nulled', 'Bad values nulled in rows kept', count(*), null, null, 'audit.field_rejections'
    from field_rejections
    union all
    select 320, 'expectations', 'Expectations evaluated', expectations, null, null, 'audit.validation_results'
    from validation
    union all
    select 330, 'expectations_failed', 'Expectations failed', expectations_failed, null, null,
        'audit.validation_results'
    from validation
    union all
    select 340, 'expectations_blocking', 'Blocking expectations failed', expectations_blocking, null, null,
        'audit.validation_results'
    from validation
    union all
    select 350, 'suites_reused', 'Expectation suites reused from the published run', suites_reused, null, null,
        'audit.validation_results'
    from validation
    union all
    select 360, 'suites', 'Expectation suites', suites, null, null, 'audit.validation_results'
    from validation
),

final as (
    select
        kpi_key,
        label,
        value,
        detail,
        severity,
        basis,
        true as is_card,
        display_order,
        {{ hsguard_run_id() }} as run_id
    from cards
    union all
    select
        kpi_key,
        label,
        value,
        detail,
        severity,
        basis,
        false as is_card,
        display_order,
        {{ hsguard_run_id() }} as run_id
    from section_figures
)

select * from final
