{#- Flags over runs: one row per run and series ("total" and each severity), from
    audit.run_history for the recorded runs and the flags mart for this run (which is
    recorded only when it is published, after the report). -#}
with

run_history as (
    select
        run_id,
        started_at,
        flags_total,
        flags_by_severity
    from {{ ref('stg_audit__run_history') }}
),

flags as (
    select severity
    from {{ ref('fct_classification_flags') }}
),

this_run as (
    select
        {{ hsguard_run_id() }} as run_id,
        {{ run_id_started_at(hsguard_run_id()) }} as started_at
),

recorded_totals as (
    select
        run_id,
        started_at,
        'total' as series,
        cast(flags_total as bigint) as flags
    from run_history
),

recorded_by_severity as (
    {{ unnest_json_counts('run_history', 'flags_by_severity', ['run_id', 'started_at'], 'series', 'flags') }}
),

this_run_by_severity as (
    select
        this_run.run_id,
        this_run.started_at,
        flags.severity as series,
        count(*) as flags
    from flags
    cross join this_run
    group by this_run.run_id, this_run.started_at, flags.severity
),

this_run_total as (
    select
        this_run.run_id,
        this_run.started_at,
        'total' as series,
        (select count(*) from flags) as flags
    from this_run
),

recorded_runs as (
    select distinct run_id
    from run_history
    where run_id is not null
),

this_run_unrecorded as (
    select * from this_run_total
    union all
    select * from this_run_by_severity
),

points as (
    select run_id, started_at, series, flags from recorded_totals
    union all
    select run_id, started_at, series, cast(flags as bigint) as flags from recorded_by_severity
    union all
    select run_id, started_at, series, flags
    from this_run_unrecorded
    where run_id not in (select recorded_runs.run_id from recorded_runs)
),

final as (
    select
        run_id,
        started_at,
        series,
        flags,
        dense_rank() over (order by started_at, run_id) as run_order
    from points
)

select * from final
