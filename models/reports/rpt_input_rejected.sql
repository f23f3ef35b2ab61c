{#- Input rows rejected (quarantined) by this run, per file and column(s) at fault.
    TODO: optional fields nulled by the contract (audit.field_rejections, being added)
    belong here too once that table exists. -#}
with

quarantined_rows as (
    select
        source_file,
        columns
    from {{ ref('rpt_quarantined_rows') }}
),

counted as (
    select
        source_file,
        columns,
        count(*) as rows_rejected
    from quarantined_rows
    group by source_file, columns
),

final as (
    select
        row_number() over (order by rows_rejected desc, source_file, columns) as rejection_rank,
        source_file,
        columns,
        rows_rejected,
        {{ hsguard_run_id() }} as run_id
    from counted
)

select * from final
