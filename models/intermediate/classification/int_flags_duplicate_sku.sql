{#- DUPLICATE_SKU: the same SKU appears more than once in the product master with
    different data. All rows stay in raw.erp_products; dim_products keeps the first. -#}

with

products as (

    select * from {{ ref('stg_erp__products') }}

),

fingerprinted as (

    select
        sku,
        source_row_number,
        {{ dbt.hash(dbt.concat([
            "coalesce(description, '')", "'|'", "coalesce(hts_code_raw, '')", "'|'",
            "coalesce(cn_code_raw, '')", "'|'", "coalesce(hs_code_raw, '')", "'|'",
            "coalesce(eccn_raw, '')", "'|'", "coalesce(ruling_ref, '')", "'|'",
            "coalesce(cast(unit_value_usd as string), '')", "'|'",
            "coalesce(cast(classified_date as string), '')"
        ])) }} as fingerprint

    from products

),

duplicated as (

    select
        sku,
        count(*) as occurrences,
        {{ dbt.listagg("cast(source_row_number as string)", "', '", "order by source_row_number") }}
            as rows_listed

    from fingerprinted
    group by sku
    having count(distinct fingerprint) > 1

),

final as (

    select
        sku,
        'DUPLICATE_SKU' as check_code,
        'HTSUS' as scheme,
        cast(null as string) as declared_code,
        cast(null as string) as suggested_code,
        'SKU ' || sku || ' appears ' || cast(occurrences as string) || ' times with different data (rows '
        || rows_listed || ' of the product file); the checks use the first row, all rows are kept in '
        || 'raw.erp_products.' as evidence,
        cast(null as string) as shipment_id,
        cast(null as integer) as line_no

    from duplicated

)

select * from final
