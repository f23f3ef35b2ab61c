with

determinations as (

    select shipment_id, line_no, sku, eccn, destination_country, decision, is_covered, evidence
    from {{ ref('int_license_determinations') }}

),

final as (

    select
        sku,
        'LICENSE_REQUIRED' as check_code,
        'ECCN' as scheme,
        eccn as declared_code,
        cast(null as string) as suggested_code,
        evidence || ' No licence and no usable licence exception is recorded on the shipment.' as evidence,
        shipment_id,
        line_no

    from determinations
    where decision = 'license_required'
        and not is_covered

)

select * from final
