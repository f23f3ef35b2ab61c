{#- Every check's flags in one relation, with severity and title from the check
    catalogue seed (and, where a check grades by level, from check_severity_levels),
    stamped with the run. marts.fct_classification_flags adds reviewer overrides.
    The flags of most checks come from int_flags_stable (reused while its inputs are
    unchanged); the checks computed here every run read what changes every run:
    CLASSIFICATION_STALE the date, DUPLICATE_SKU every raw product row, unit value too,
    SHIPMENT_SKU_UNKNOWN and INPUT_EXPECTATION_FAILED every product and shipment row (the
    latter with the input expectations' findings).
    A table, not a view: its data tests and the mart read it without running the
    checks again (at 100k products dbt took 59 s instead of 72 s). -#}

{{ config(materialized='reusable_table') }}

with

stable as (

    select * from {{ ref('int_flags_stable') }}

),

per_run as (

    {{ flags_with_catalog([
        'int_flags_duplicate_sku',
        'int_flags_classification_stale',
        'int_flags_shipment_sku_unknown',
        'int_flags_input_expectation_failed',
    ]) | indent(4) }}

),

final as (

    select *, '{{ env_var("HSGUARD_RUN_ID", "manual") }}' as run_id
    from (
        select * from stable
        union all
        select * from per_run
    ) as unioned

)

select * from final
