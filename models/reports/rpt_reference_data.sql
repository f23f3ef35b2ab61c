{#- The reference data editions this run loaded, from the load lineage. -#}
with

load_lineage as (
    select
        run_id,
        source_file,
        sha256,
        dataset,
        edition,
        rows_loaded
    from {{ ref('stg_audit__load_lineage') }}
),

this_run as (
    {{ this_run_rows('load_lineage') }}
),

final as (
    select
        dataset,
        edition,
        source_file,
        sha256,
        rows_loaded,
        run_id
    from this_run
    where dataset is not null
)

select * from final
