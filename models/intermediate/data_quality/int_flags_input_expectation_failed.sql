{#- INPUT_EXPECTATION_FAILED: an input row failed a Great Expectations input expectation.
    The input suites run on the raw tables right after ingest, before dbt
    (flows/validate_inputs.py), and record each failing row in audit.validation_findings
    by its raw table and row number; here a product row is flagged under its SKU and a
    shipment row under its shipment line (with the product's SKU). Findings on other
    files (rulings) stay in audit.validation_results and raise no product flag. -#}

with

findings as (

    select suite, expectation, raw_table, row_number, column_name, value
    from {{ ref('stg_audit__validation_findings') }}

),

products as (

    select sku, source_row_number
    from {{ ref('stg_erp__products') }}

),

shipments as (

    select shipment_id, line_no, sku, source_row_number
    from {{ ref('stg_erp__shipments') }}

),

keyed as (

    select
        products.sku,
        cast(null as string) as shipment_id,
        cast(null as integer) as line_no,
        findings.suite,
        findings.expectation,
        findings.row_number,
        findings.column_name,
        findings.value
    from findings
    inner join products
        on findings.row_number = products.source_row_number
    where findings.raw_table = 'erp_products'

    union all

    select
        shipments.sku,
        shipments.shipment_id,
        shipments.line_no,
        findings.suite,
        findings.expectation,
        findings.row_number,
        findings.column_name,
        findings.value
    from findings
    inner join shipments
        on findings.row_number = shipments.source_row_number
    where findings.raw_table = 'erp_shipments'

),

described as (

    select
        sku,
        shipment_id,
        line_no,
        {{ dbt.listagg(
            "'GX ' || suite || ': ' || expectation || coalesce('(' || column_name || ')', '')
            || coalesce(' failed on value \"' || value || '\"', ' failed')
            || ' (row ' || cast(row_number as string) || ')'",
            "'; '",
            "order by suite, expectation, column_name, row_number"
        ) }} as evidence
    from keyed
    group by sku, shipment_id, line_no

),

final as (

    select
        sku,
        'INPUT_EXPECTATION_FAILED' as check_code,
        'DATA' as scheme,
        cast(null as string) as declared_code,
        cast(null as string) as suggested_code,
        evidence || '. The row was loaded; correct it in the source extract.' as evidence,
        shipment_id,
        line_no
    from described

)

select * from final
