{{ config(materialized='reusable_table') }}

{#- Shipment lines with what licence determination needs: the product's normalised
    ECCN and HS-6, the destination, and the licence / exception the line records. -#}

with

shipments as (

    select
        shipment_id, line_no, sku, destination_country, ship_date, quantity, value_usd,
        nullif(trim(license_ref), '') as license_ref,
        upper(nullif(trim(license_exception), '')) as license_exception,
        nullif(trim(end_user), '') as end_user
    from {{ ref('stg_erp__shipments') }}

),

eccns as (

    select sku, eccn, eccn_status, hs6
    from {{ ref('int_product_eccns_normalised') }}

),

final as (

    select
        -- a shipment line: the shipment and its line number (ingest numbers the lines)
        shipments.shipment_id || '/' || cast(shipments.line_no as string) as line_id,
        shipments.*,
        eccns.eccn,
        eccns.eccn_status,
        eccns.hs6

    from shipments
    left join eccns
        on shipments.sku = eccns.sku

)

select * from final
