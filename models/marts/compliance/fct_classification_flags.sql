{#- One row per product (or shipment) and failed check. Severity and title come
    from the check catalogue seed only. -#}

with

hs_missing as (

    select * from {{ ref('int_flags_hs_missing') }}

),

hs_malformed as (

    select * from {{ ref('int_flags_hs_malformed') }}

),

hs_not_declarable as (

    select * from {{ ref('int_flags_hs_not_declarable') }}

),

hs_unknown as (

    select * from {{ ref('int_flags_hs_unknown') }}

),

check_catalog as (

    select check_code, severity, severity_rank, title
    from {{ ref('check_catalog') }}

),

all_flags as (

    select * from hs_missing
    union all
    select * from hs_malformed
    union all
    select * from hs_not_declarable
    union all
    select * from hs_unknown

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            "all_flags.sku", "'|'", "all_flags.check_code", "'|'", "all_flags.scheme",
            "'|'", "coalesce(all_flags.shipment_id, '')"
        ])) }} as flag_id,
        all_flags.sku,
        all_flags.check_code,
        check_catalog.severity,
        check_catalog.severity_rank,
        check_catalog.title,
        all_flags.scheme,
        all_flags.declared_code,
        all_flags.suggested_code,
        all_flags.evidence,
        all_flags.shipment_id,
        '{{ var("run_id") }}' as run_id

    from all_flags
    -- left join: a flag whose code is missing from the catalogue fails the not_null test
    -- on severity instead of disappearing
    left join check_catalog
        on all_flags.check_code = check_catalog.check_code

)

select * from final
