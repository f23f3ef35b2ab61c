{#- Input rejected by this run, per file and column(s) at fault: rows quarantined (a
    required value missing or bad: the row is not loaded) and values nulled (a bad
    optional value: the row is loaded without it). -#}
with

quarantined_rows as (
    select
        source_file,
        columns
    from {{ ref('rpt_quarantined_rows') }}
),

field_rejections as (
    select
        source_file,
        column_name
    from {{ ref('rpt_field_rejections') }}
),

rejections as (
    select
        'row_quarantined' as rejection_kind,
        source_file,
        columns
    from quarantined_rows
    union all
    select
        'value_nulled' as rejection_kind,
        source_file,
        column_name as columns
    from field_rejections
),

counted as (
    select
        rejection_kind,
        source_file,
        columns,
        count(*) as rows_rejected
    from rejections
    group by rejection_kind, source_file, columns
),

final as (
    select
        row_number() over (
            order by rejection_kind, rows_rejected desc, source_file, columns
        ) as rejection_rank,
        rejection_kind,
        source_file,
        columns,
        rows_rejected,
        {{ hsguard_run_id() }} as run_id
    from counted
)

select * from final
