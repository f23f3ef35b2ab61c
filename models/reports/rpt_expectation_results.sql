{#- This run's Great Expectations results (audit.validation_results, written by the
    validate stage before the feeds are built), one row per expectation and column;
    `is_listed` marks the ones the report lists (failed, or with unexpected values). -#}
with

validation_results as (
    select
        run_id,
        suite,
        expectation,
        column_name,
        success,
        blocking,
        element_count,
        unexpected_count,
        observed_value,
        failing_keys,
        reused
    from {{ ref('stg_audit__validation_results') }}
),

this_run as (
    {{ this_run_rows('validation_results') }}
),

final as (
    select
        row_number() over (
            order by success, blocking desc, suite, expectation, column_name
        ) as expectation_result_id,
        suite,
        expectation,
        column_name,
        success,
        blocking,
        element_count,
        unexpected_count,
        observed_value,
        failing_keys,
        coalesce(reused, false) as reused,
        (not success or coalesce(unexpected_count, 0) > 0) as is_listed,
        run_id
    from this_run
)

select * from final
