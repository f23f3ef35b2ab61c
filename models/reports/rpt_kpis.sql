{#- One row per figure the report shows, with a stable key, its value, a plain-word
    label and a definition in plain words; `is_card` marks the key figures at the top of
    the report (the other figures are shown in their sections or in the summary
    sentence). `detail` is the card's second line; `unit` says how the value reads
    (count, amount in the input currency, days). -#}
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
    select
        decision,
        is_covered,
        is_missing_licence
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

this_run as (
    select previous_run_id
    from {{ ref('rpt_run') }}
),

reference_data as (
    select
        dataset,
        edition,
        age_days,
        max_age_days,
        is_older_than_max_age
    from {{ ref('rpt_reference_data') }}
),

open_flags as (
    select
        sku,
        severity,
        severity_rank
    from flags
    where not coalesce(is_overridden, false)
),

product_counts as (
    select
        (select count(*) from products) as products,
        (select count(distinct flags.sku) from flags) as flagged_products,
        (select count(*) from flags) as flags_total,
        (select count(*) from open_flags) as flags_open,
        (select count(distinct open_flags.sku) from open_flags) as open_flagged_products
),

exposure as (
    select
        coalesce(sum(trade_value_exposed_usd), 0) as exposure,
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

severity_names as (
    select
        severity_rank,
        min(severity) as severity
    from open_flags
    group by severity_rank
),

queue_product_severity as (
    select
        sku,
        max(severity_rank) as severity_rank
    from open_flags
    group by sku
),

queue_by_severity as (
    select
        severity_names.severity,
        queue_product_severity.severity_rank,
        count(*) as products
    from queue_product_severity
    inner join severity_names on queue_product_severity.severity_rank = severity_names.severity_rank
    group by severity_names.severity, queue_product_severity.severity_rank
),

licences as (
    select
        count(case when {{ is_licence_required('decision') }} then 1 end) as licence_required,
        count(case when is_missing_licence then 1 end) as licence_missing,
        count(case when {{ is_licence_required('decision') }} and is_covered then 1 end) as licence_recorded,
        count(case when decision = 'undetermined' then 1 end) as undetermined
    from determinations
),

input_rows as (
    select
        sum(rows_in) as rows_in,
        sum(rows_quarantined) as rows_quarantined
    from input_files
),

nulled_values as (
    select count(*) as values_nulled
    from field_rejections
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

changes_summed as (
    select
        coalesce(sum(case when change = 'new' then flags end), 0) as flags_new,
        coalesce(sum(case when change = 'resolved' then flags end), 0) as flags_resolved
    from flag_changes
),

previous_runs as (
    select count(*) as previous_runs
    from this_run
    where previous_run_id is not null
),

changes as (
    select
        changes_summed.flags_new,
        changes_summed.flags_resolved,
        case
            when previous_runs.previous_runs > 0 then 'since the previous run'
            else 'first recorded run: nothing to compare'
        end as since
    from changes_summed
    cross join previous_runs
),

oldest_reference as (
    select
        dataset,
        edition,
        age_days,
        row_number() over (order by age_days desc, dataset, edition) as age_rank
    from reference_data
    where age_days is not null
),

reference_age as (
    select
        max(reference_data.max_age_days) as max_age_days,
        count(case when reference_data.is_older_than_max_age then 1 end) as editions_old,
        max(case when oldest_reference.age_rank = 1 then oldest_reference.age_days end) as oldest_days,
        max(
            case when oldest_reference.age_rank = 1 then oldest_reference.dataset || ', ' || oldest_reference.edition end
        ) as oldest_edition
    from reference_data
    left join oldest_reference
        on reference_data.dataset = oldest_reference.dataset and reference_data.edition = oldest_reference.edition
),

cards as (
    select
        10 as display_order,
        'products' as kpi_key,
        'Products audited' as label,
        cast(products as double) as value,
        'count' as unit,
        cast(null as string) as detail,
        cast(null as string) as severity,
        'Products of the product master that were loaded and checked in this run.' as definition,
        'marts.dim_products' as basis
    from product_counts
    union all
    select
        20 as display_order,
        'queue_products' as kpi_key,
        'Products to review' as label,
        open_flagged_products as value,
        'count' as unit,
        case
            when products > 0
                then cast(cast(round(100.0 * open_flagged_products / products, 1) as decimal(18, 1)) as string)
                    || '% of products'
        end as detail,
        cast(null as string) as severity,
        'Products with at least one open flag (a flag without a reviewer decision): the review queue.'
            as definition,
        'reports.rpt_review_queue' as basis
    from product_counts
    union all
    select
        25 as display_order,
        'overridden_products' as kpi_key,
        'Products fully overridden' as label,
        flagged_products - open_flagged_products as value,
        'count' as unit,
        {{ thousands('flags_total - flags_open') }} || ' flags overridden' as detail,
        cast(null as string) as severity,
        'Flagged products whose every flag has a reviewer decision (accepted risk, false positive, fixed) '
        || 'in the overrides file: not in the queue; their flags stay in the flags mart.' as definition,
        'marts.fct_classification_flags.is_overridden' as basis
    from product_counts
    union all
    select
        30 as display_order,
        'flags_total' as kpi_key,
        'Flags' as label,
        flags_total as value,
        'count' as unit,
        {{ thousands('flags_open') }} || ' open' as detail,
        cast(null as string) as severity,
        'Findings of the checks, one per product (or shipment line), check and scheme; overridden ones included.'
            as definition,
        'marts.fct_classification_flags' as basis
    from product_counts
    union all
    select
        100 - severity_rank as display_order,
        'flags_' || severity as kpi_key,
        upper(substr(severity, 1, 1)) || lower(substr(severity, 2)) || ' flags' as label,
        flags as value,
        'count' as unit,
        cast(null as string) as detail,
        severity,
        'Flags whose check has this severity in the check catalogue; overridden ones included.' as definition,
        'marts.fct_classification_flags' as basis
    from severities
    union all
    select
        200 as display_order,
        'trade_value_exposed_usd' as kpi_key,
        'Trade value exposed' as label,
        round(exposure, 2) as value,
        'amount' as unit,
        {{ thousands('products_exposed') }} || ' products' as detail,
        cast(null as string) as severity,
        'Shipment value of the products with open flags (their unit value when they have no shipments), '
        || 'in the input currency, not converted.' as definition,
        'marts.fct_product_risk.trade_value_exposed_usd' as basis
    from exposure
    union all
    select
        210 as display_order,
        'licence_missing_lines' as kpi_key,
        'Licence missing' as label,
        licence_missing as value,
        'count' as unit,
        'shipment lines' as detail,
        case when licence_missing > 0 then 'critical' end as severity,
        'Shipment lines that need a licence (or go to an embargoed destination) with no licence or licence '
        || 'exception recorded: flagged, to fix before shipping.' as definition,
        'marts.fct_license_determinations.is_missing_licence' as basis
    from licences
    union all
    select
        212 as display_order,
        'licence_recorded_lines' as kpi_key,
        'Licence recorded' as label,
        licence_recorded as value,
        'count' as unit,
        'of ' || {{ thousands('licence_required') }} || ' lines needing one' as detail,
        cast(null as string) as severity,
        'Shipment lines that need a licence and carry a licence or licence exception reference '
        || '(recorded, not verified): no action unless the reference is wrong.' as definition,
        'marts.fct_license_determinations.is_covered' as basis
    from licences
    union all
    select
        214 as display_order,
        'licence_undetermined_lines' as kpi_key,
        'Licence undetermined' as label,
        undetermined as value,
        'count' as unit,
        'shipment lines' as detail,
        case when undetermined > 0 then 'medium' end as severity,
        'Shipment lines whose licence requirement the data cannot decide (for example no usable ECCN on the '
        || 'product): a person has to decide.' as definition,
        'marts.fct_license_determinations (decision undetermined)' as basis
    from licences
    union all
    select
        220 as display_order,
        'rows_quarantined' as kpi_key,
        'Input rows rejected' as label,
        coalesce(input_rows.rows_quarantined, 0) as value,
        'count' as unit,
        'of ' || {{ thousands('coalesce(input_rows.rows_in, 0)') }} || ' rows in; '
        || {{ thousands('nulled_values.values_nulled') }}
        || case when nulled_values.values_nulled = 1 then ' value nulled' else ' values nulled' end as detail,
        cast(null as string) as severity,
        'Input rows quarantined by the input contract (a required field missing or unreadable); a bad '
        || 'optional value only nulls that field.' as definition,
        'audit.load_lineage' as basis
    from input_rows
    cross join nulled_values
    union all
    select
        230 as display_order,
        'flags_new' as kpi_key,
        'New flags' as label,
        flags_new as value,
        'count' as unit,
        since as detail,
        cast(null as string) as severity,
        'Flags raised in this run that the previous run did not raise.' as definition,
        'audit.flag_history' as basis
    from changes
    union all
    select
        240 as display_order,
        'flags_resolved' as kpi_key,
        'Resolved flags' as label,
        flags_resolved as value,
        'count' as unit,
        since as detail,
        cast(null as string) as severity,
        'Flags of the previous run that this run no longer raises.' as definition,
        'audit.flag_history' as basis
    from changes
    union all
    select
        250 as display_order,
        'reference_oldest_days' as kpi_key,
        'Oldest reference data' as label,
        oldest_days as value,
        'days' as unit,
        oldest_edition as detail,
        case when editions_old > 0 then 'high' end as severity,
        'Age on the day of the run of the oldest dated reference edition (screening list, CCL, Country '
        || 'Chart, ...); warned past ' || cast(max_age_days as string) || ' days.' as definition,
        'reports.rpt_reference_data' as basis
    from reference_age
    where oldest_days is not null
),

section_figures as (
    select
        300 as display_order,
        'review_queue_products' as kpi_key,
        'Products with open flags (the review queue)' as label,
        cast(open_flagged_products as double) as value,
        'count' as unit,
        cast(null as string) as detail,
        cast(null as string) as severity,
        cast(null as string) as definition,
        'marts.fct_classification_flags, overridden flags left out' as basis
    from product_counts
    union all
    select
        302 as display_order,
        'flagged_products' as kpi_key,
        'Products with flags (open or overridden)' as label,
        flagged_products as value,
        'count' as unit,
        cast(null as string) as detail,
        cast(null as string) as severity,
        cast(null as string) as definition,
        'marts.fct_classification_flags' as basis
    from product_counts
    union all
    select
        304 as display_order,
        'flags_open' as kpi_key,
        'Open flags' as label,
        flags_open as value,
        'count' as unit,
        cast(null as string) as detail,
        cast(null as string) as severity,
        cast(null as string) as definition,
        'marts.fct_classification_flags, overridden flags left out' as basis
    from product_counts
    union all
    select
        390 - severity_rank as display_order,
        'queue_products_' || severity as kpi_key,
        'Products to review whose most severe open flag is ' || severity as label,
        products as value,
        'count' as unit,
        cast(null as string) as detail,
        severity,
        cast(null as string) as definition,
        'reports.rpt_review_queue' as basis
    from queue_by_severity
    union all
    select
        310 as display_order,
        'quarantined_rows' as kpi_key,
        'Input rows quarantined in this run' as label,
        count(*) as value,
        'count' as unit,
        cast(null as string) as detail,
        cast(null as string) as severity,
        cast(null as string) as definition,
        'audit.quarantine' as basis
    from quarantined_rows
    union all
    select
        312 as display_order,
        'rows_in' as kpi_key,
        'Input rows read' as label,
        coalesce(rows_in, 0) as value,
        'count' as unit,
        cast(null as string) as detail,
        cast(null as string) as severity,
        cast(null as string) as definition,
        'audit.load_lineage' as basis
    from input_rows
    union all
    select
        315 as display_order,
        'values_nulled' as kpi_key,
        'Bad values nulled in rows kept' as label,
        values_nulled as value,
        'count' as unit,
        cast(null as string) as detail,
        cast(null as string) as severity,
        cast(null as string) as definition,
        'audit.field_rejections' as basis
    from nulled_values
    union all
    select
        318 as display_order,
        'license_required_shipments' as kpi_key,
        'Shipment lines needing a licence (recorded or not)' as label,
        licence_required as value,
        'count' as unit,
        cast(null as string) as detail,
        cast(null as string) as severity,
        cast(null as string) as definition,
        'marts.fct_license_determinations' as basis
    from licences
    union all
    select
        320 as display_order,
        'expectations' as kpi_key,
        'Expectations evaluated' as label,
        expectations as value,
        'count' as unit,
        cast(null as string) as detail,
        cast(null as string) as severity,
        cast(null as string) as definition,
        'audit.validation_results' as basis
    from validation
    union all
    select
        330 as display_order,
        'expectations_failed' as kpi_key,
        'Expectations failed' as label,
        expectations_failed as value,
        'count' as unit,
        cast(null as string) as detail,
        cast(null as string) as severity,
        cast(null as string) as definition,
        'audit.validation_results' as basis
    from validation
    union all
    select
        340 as display_order,
        'expectations_blocking' as kpi_key,
        'Blocking expectations failed' as label,
        expectations_blocking as value,
        'count' as unit,
        cast(null as string) as detail,
        cast(null as string) as severity,
        cast(null as string) as definition,
        'audit.validation_results' as basis
    from validation
    union all
    select
        350 as display_order,
        'suites_reused' as kpi_key,
        'Expectation suites reused from the published run' as label,
        suites_reused as value,
        'count' as unit,
        cast(null as string) as detail,
        cast(null as string) as severity,
        cast(null as string) as definition,
        'audit.validation_results' as basis
    from validation
    union all
    select
        360 as display_order,
        'suites' as kpi_key,
        'Expectation suites' as label,
        suites as value,
        'count' as unit,
        cast(null as string) as detail,
        cast(null as string) as severity,
        cast(null as string) as definition,
        'audit.validation_results' as basis
    from validation
    union all
    select
        370 as display_order,
        'reference_editions_old' as kpi_key,
        'Reference editions older than the maximum age' as label,
        editions_old as value,
        'count' as unit,
        cast(null as string) as detail,
        case when editions_old > 0 then 'high' end as severity,
        cast(null as string) as definition,
        'reports.rpt_reference_data' as basis
    from reference_age
    union all
    select
        375 as display_order,
        'reference_max_age_days' as kpi_key,
        'Maximum age of reference data before a warning' as label,
        max_age_days as value,
        'days' as unit,
        cast(null as string) as detail,
        cast(null as string) as severity,
        cast(null as string) as definition,
        'var reference_max_age_days' as basis
    from reference_age
    where max_age_days is not null
),

final as (
    select
        kpi_key,
        label,
        value,
        unit,
        detail,
        severity,
        definition,
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
        unit,
        detail,
        severity,
        definition,
        basis,
        false as is_card,
        display_order,
        {{ hsguard_run_id() }} as run_id
    from section_figures
)

select * from final
