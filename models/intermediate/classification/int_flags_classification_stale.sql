{#- CLASSIFICATION_STALE: the product was classified more than var('stale_after_years')
    years before the run, or before the current HTSUS edition took effect while its
    declared line was changed by a revision since (dim_tariff_changes). -#}

with

products as (

    select sku, hts_code_raw, classified_date
    from {{ ref('int_products_classified') }}
    where classified_date is not null

),

codes as (

    select sku, declared_code
    from {{ ref('int_product_codes_normalised') }}
    where scheme = 'HTSUS'
        and code_status = 'well_formed'

),

current_edition as (

    select valid_from
    from {{ ref('tariff_editions') }}
    where scheme = 'HTSUS'
        and edition = '{{ var("hts_edition") }}'

),

changed_lines as (

    select distinct to_code as code
    from {{ ref('int_tariff_changes_unioned') }}
    where scheme = 'HTSUS'
        and to_code is not null
        and change_type != 'added'

),

assessed as (

    select
        products.sku,
        products.hts_code_raw,
        products.classified_date,
        {{ dbt.datediff('products.classified_date', hsguard_run_date(), 'day') }} as age_days,
        changed_lines.code is not null
        and products.classified_date < current_edition.valid_from as predates_revision

    from products
    cross join current_edition
    left join codes
        on products.sku = codes.sku
    left join changed_lines
        on codes.declared_code = changed_lines.code

),

final as (

    select
        sku,
        'CLASSIFICATION_STALE' as check_code,
        'HTSUS' as scheme,
        hts_code_raw as declared_code,
        cast(null as string) as suggested_code,
        'Classified on ' || cast(classified_date as string) || ' ('
        || cast(age_days as string) || ' days ago). '
        || case
            when predates_revision then 'Its line was changed by an HTSUS revision since; review it.'
            else 'Older than the review age of {{ var("stale_after_years") }} years; review it.'
        end as evidence,
        cast(null as string) as shipment_id,
        cast(null as integer) as line_no

    from assessed
    where predates_revision
        or age_days > 365 * {{ var('stale_after_years') }}

)

select * from final
