{#- One row per product (or shipment) and failed check: what is wrong, how severe,
    the declared and suggested codes and the evidence. -#}

with

flags as (

    select * from {{ ref('int_flags_unioned') }}

),

final as (

    select
        flag_id,
        sku,
        check_code,
        severity,
        severity_rank,
        title,
        scheme,
        declared_code,
        suggested_code,
        evidence,
        shipment_id,
        run_id

    from flags

)

select * from final
