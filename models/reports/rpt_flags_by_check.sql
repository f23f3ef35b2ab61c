with

flags as (
    select
        check_code,
        severity,
        severity_rank
    from {{ ref('fct_classification_flags') }}
),

counted as (
    select
        check_code,
        severity,
        severity_rank,
        count(*) as flags
    from flags
    group by check_code, severity, severity_rank
),

final as (
    select
        check_code,
        severity,
        severity_rank,
        flags,
        row_number() over (order by severity_rank desc, check_code, severity) as display_order,
        {{ hsguard_run_id() }} as run_id
    from counted
)

select * from final
