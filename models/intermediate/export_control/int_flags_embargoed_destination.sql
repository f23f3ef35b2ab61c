with

determinations as (

    select line_id, sku, eccn, decision, evidence
    from {{ ref('int_license_determinations') }}

),

final as (

    select
        sku,
        'EMBARGOED_DESTINATION' as check_code,
        'ECCN' as scheme,
        eccn as declared_code,
        cast(null as varchar) as suggested_code,
        evidence,
        line_id as shipment_id

    from determinations
    where decision = 'embargoed'

)

select * from final
