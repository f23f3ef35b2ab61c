{{ config(materialized='reusable_table') }}

with

products as (

    select sku, description, eccn_raw
    from {{ ref('int_products_classified') }}

),

shipments as (

    select sku, count(*) as shipment_lines
    from {{ ref('stg_erp__shipments') }}
    group by sku

),

hts_codes as (

    select sku, declared_code
    from {{ ref('int_product_codes_normalised') }}
    where scheme = 'HTSUS'
        and code_status = 'well_formed'

),

normalised as (

    select
        products.sku,
        products.description,
        products.eccn_raw,
        {{ normalise_eccn('products.eccn_raw') }} as eccn,
        substr(hts_codes.declared_code, 1, 6) as hs6,
        coalesce(shipments.shipment_lines, 0) > 0 as is_exported

    from products
    left join shipments
        on products.sku = shipments.sku
    left join hts_codes
        on products.sku = hts_codes.sku

),

final as (

    select
        normalised.*,
        case
            when eccn is null then 'missing'
            when {{ is_valid_eccn('eccn') }} then 'well_formed'
            else 'malformed'
        end as eccn_status,
        case when eccn != 'EAR99' then substr(eccn, 1, 5) end as base_eccn

    from normalised

)

select * from final
