{#- New and resolved flags per check: first seen in this run, and last seen in the run
    before it (audit.flag_history, merged by the report flow before the feeds are built). -#}
with

flag_history as (
    select
        check_code,
        first_seen_run_id,
        last_seen_run_id
    from {{ ref('stg_audit__flag_history') }}
),

runs as (
    select
        run_id,
        previous_run_id
    from {{ ref('rpt_run') }}
),

new_flags as (
    select
        flag_history.check_code,
        'new' as change,
        count(*) as flags
    from flag_history
    inner join runs on flag_history.first_seen_run_id = runs.run_id
    group by flag_history.check_code
),

resolved_flags as (
    select
        flag_history.check_code,
        'resolved' as change,
        count(*) as flags
    from flag_history
    inner join runs on flag_history.last_seen_run_id = runs.previous_run_id
    where flag_history.last_seen_run_id <> runs.run_id
    group by flag_history.check_code
),

final as (
    select
        check_code,
        change,
        flags,
        {{ hsguard_run_id() }} as run_id
    from new_flags
    union all
    select
        check_code,
        change,
        flags,
        {{ hsguard_run_id() }} as run_id
    from resolved_flags
)

select * from final
