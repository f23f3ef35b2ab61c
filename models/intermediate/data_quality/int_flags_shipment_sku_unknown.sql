{#- SHIPMENT_SKU_UNKNOWN: a shipment line names a SKU that is not in the product master.
    Its codes cannot be checked; the line still gets its licence determination (without
    an ECCN it is undetermined, unless the destination is embargoed) and its screening. -#}

with

shipments as (

    select shipment_id, line_no, sku, source_row_number
    from {{ ref('stg_erp__shipments') }}

),

products as (

    select distinct sku
    from {{ ref('stg_erp__products') }}

),

final as (

    select
        shipments.sku,
        'SHIPMENT_SKU_UNKNOWN' as check_code,
        'DATA' as scheme,
        cast(null as string) as declared_code,
        cast(null as string) as suggested_code,
        'Shipment ' || shipments.shipment_id || ' line ' || cast(shipments.line_no as string)
        || ' (row ' || cast(shipments.source_row_number as string) || ' of the shipments file) names SKU '
        || shipments.sku || ', which is not in the product master: its HS and ECCN cannot be checked, '
        || 'and its licence determination has no ECCN to evaluate (undetermined unless the '
        || 'destination is embargoed). Add the product to the master or correct the SKU.' as evidence,
        shipments.shipment_id,
        shipments.line_no

    from shipments
    left join products
        on shipments.sku = products.sku
    where products.sku is null

)

select * from final
