{#- The input rows this run quarantined, in file and row order (the report lists the
    first ones; quarantine.csv has them all). -#}
with

quarantine as (
    select
        run_id,
        source_file,
        row_number,
        columns,
        reason,
        raw_row
    from {{ ref('stg_audit__quarantine') }}
),

this_run as (
    {{ this_run_rows('quarantine') }}
),

final as (
    select
        row_number() over (order by source_file, row_number, columns, reason) as quarantined_row_id,
        source_file,
        row_number,
        columns,
        reason,
        raw_row,
        run_id
    from this_run
)

select * from final
