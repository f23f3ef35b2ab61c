{#- LICENSE_EXCEPTION_INELIGIBLE: the licence exception recorded on a licence-required line
    fails the basic eligibility the data allows (Part 740: the ECCN's list-based exceptions,
    Country Group B, the LVS value limit, ENC for encryption items, § 740.2(a)(5) for MT). -#}

with

determinations as (

    select shipment_id, line_no, sku, eccn, exception_status, exception_evidence
    from {{ ref('int_license_determinations') }}

),

final as (

    select
        sku,
        'LICENSE_EXCEPTION_INELIGIBLE' as check_code,
        'ECCN' as scheme,
        eccn as declared_code,
        cast(null as string) as suggested_code,
        exception_evidence as evidence,
        shipment_id,
        line_no

    from determinations
    where exception_status = 'ineligible'

)

select * from final
