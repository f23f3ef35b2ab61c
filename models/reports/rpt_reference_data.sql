{#- The reference data editions this run loaded, from the load lineage, with the age of
    each dated edition on the day of the run ("eCFR 2026-07-23": 131 days) and whether it
    is older than reference_max_age_days. An edition named by a year only ("HS 2022")
    has no age. -#}
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

run_day as (
    select
        {{ hsguard_run_date() }} as run_date
),

dated as (
    select
        this_run.dataset,
        this_run.edition,
        this_run.source_file,
        this_run.sha256,
        this_run.rows_loaded,
        this_run.run_id,
        run_day.run_date,
        try_cast(
            nullif(regexp_extract(this_run.edition, '[0-9]{4}-[0-9]{2}-[0-9]{2}', 0), '') as date
        ) as edition_date
    from this_run
    cross join run_day
    where this_run.dataset is not null
),

final as (
    select
        dataset,
        edition,
        source_file,
        sha256,
        rows_loaded,
        edition_date,
        {{ dbt.datediff('edition_date', 'run_date', 'day') }} as age_days,
        {{ reference_max_age_days() }} as max_age_days,
        coalesce(
            {{ dbt.datediff('edition_date', 'run_date', 'day') }} > {{ reference_max_age_days() }}, false
        ) as is_older_than_max_age,
        run_id
    from dated
)

select * from final
