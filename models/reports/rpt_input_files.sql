{#- The input files of this run (--sources, not the bundled reference data): rows in,
    loaded and quarantined per file, from the load lineage. -#}
with

load_lineage as (
    select
        run_id,
        source_file,
        encoding,
        sha256,
        dataset,
        rows_in,
        rows_loaded,
        rows_quarantined
    from {{ ref('stg_audit__load_lineage') }}
),

this_run as (
    {{ this_run_rows('load_lineage') }}
),

final as (
    select
        source_file,
        encoding,
        rows_in,
        rows_loaded,
        rows_quarantined,
        sha256,
        run_id
    from this_run
    where dataset is null
)

select * from final
