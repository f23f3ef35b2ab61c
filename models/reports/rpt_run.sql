{#- This run, as the report's header and run-metadata section show it: when it started,
    the run before it (for new / resolved flags) and, once the run is recorded (a report
    regenerated from the published warehouse), its status, end and duration; and the
    currency the input's amounts are in (HSGUARD_CURRENCY, USD when unset). -#}
with

run_history as (
    select
        run_id,
        status,
        started_at,
        finished_at
    from {{ ref('stg_audit__run_history') }}
),

this_run as (
    select {{ hsguard_run_id() }} as run_id
),

recorded as (
    select
        run_id,
        status,
        started_at,
        finished_at,
        row_number() over (partition by run_id order by finished_at desc) as record_rank
    from run_history
),

previous_run as (
    select max(run_history.run_id) as previous_run_id
    from run_history
    cross join this_run
    where run_history.run_id < this_run.run_id
),

final as (
    select
        this_run.run_id,
        coalesce(
            recorded.started_at, {{ run_id_started_at('this_run.run_id') }}
        ) as started_at,
        previous_run.previous_run_id,
        recorded.status,
        recorded.finished_at,
        {{ dbt.datediff('recorded.started_at', 'recorded.finished_at', 'millisecond') }} / 1000.0
            as duration_seconds,
        {{ hsguard_currency() }} as currency
    from this_run
    cross join previous_run
    left join recorded on this_run.run_id = recorded.run_id and recorded.record_rank = 1
)

select * from final
