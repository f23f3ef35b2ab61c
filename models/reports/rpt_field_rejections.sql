{#- The bad values this run nulled in rows it kept (audit.field_rejections: a bad value in
    an optional field nulls that field; only a row missing a required value is
    quarantined), in file and row order. -#}
with

field_rejections as (
    select
        run_id,
        raw_table,
        source_file,
        row_number,
        column_name,
        value,
        reason
    from {{ ref('stg_audit__field_rejections') }}
),

this_run as (
    {{ this_run_rows('field_rejections') }}
),

final as (
    select
        row_number() over (order by source_file, row_number, column_name, reason) as field_rejection_id,
        raw_table,
        source_file,
        row_number,
        column_name,
        value,
        reason,
        run_id
    from this_run
)

select * from final
