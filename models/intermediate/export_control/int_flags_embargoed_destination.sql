with

determinations as (

    select shipment_id, line_no, sku, eccn, decision, evidence
    from {{ ref('int_license_determinations') }}

),

final as (

    select
        sku,
        'EMBARGOED_DESTINATION' as check_code,
        'ECCN' as scheme,
        eccn as declared_code,
        cast(null as string) as suggested_code,
        evidence,
        shipment_id,
        line_no

    from determinations
    where decision = 'embargoed'

)

select * from final
