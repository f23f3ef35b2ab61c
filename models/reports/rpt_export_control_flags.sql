{#- Export-control shipment flags (embargoed destinations, screening hits, export decisions
    needing review, ineligible licence exceptions, recorded licences to check), with the
    shipment's destination and end user (the report lists the first ones per check; flags.csv has them all). -#}
with

flags as (
    select
        flag_id,
        check_code,
        severity,
        severity_rank,
        sku,
        shipment_id,
        evidence
    from {{ ref('fct_classification_flags') }}
    where
        scheme = 'ECCN'
        and check_code in (
            'EMBARGOED_DESTINATION', 'PARTY_SCREENING_HIT', 'EXPORT_RULE_REVIEW', 'LICENSE_EXCEPTION_INELIGIBLE',
            'LICENSE_RECORDED'
        )
),

shipments as (
    select
        shipment_id,
        min(destination_country) as destination_country,
        min(end_user) as end_user
    from {{ ref('stg_erp__shipments') }}
    group by shipment_id
),

final as (
    select
        flags.flag_id,
        row_number() over (
            partition by flags.check_code
            order by flags.severity_rank desc, flags.sku, flags.shipment_id, flags.flag_id
        ) as check_order,
        flags.check_code,
        flags.severity,
        flags.sku,
        flags.shipment_id,
        shipments.destination_country,
        shipments.end_user,
        flags.evidence,
        {{ hsguard_run_id() }} as run_id
    from flags
    left join shipments on flags.shipment_id = shipments.shipment_id
)

select * from final
