{#- ECCN_MISSING: an exported product (it has shipments), or with var
    eccn_required_for_all_products every product, has neither an ECCN nor EAR99. -#}
with

eccns as (

    select sku, is_exported, eccn_status
    from {{ ref('int_product_eccns_normalised') }}

),

final as (

    select
        sku,
        'ECCN_MISSING' as check_code,
        'ECCN' as scheme,
        cast(null as string) as declared_code,
        cast(null as string) as suggested_code,
        'No ECCN or EAR99 is recorded for this product'
        || case when is_exported then ', and it is exported' else '' end
        || '; without a classification no licence determination is possible (EAR Part 738).' as evidence,
        cast(null as string) as shipment_id,
        cast(null as integer) as line_no

    from eccns
    where eccn_status = 'missing'
        and (is_exported or {{ var('eccn_required_for_all_products') }})

)

select * from final
