{#- The Spark engine only (enabled by dbt_project.yml): the screening list's names with
    their keys, as hsguard.spark_raw computed them (the DuckDB build computes them in the
    dbt Python model int_screening_list_names, with the same functions). -#}
with

source as (

    select entry_id, matched_name, is_alias, name_key, key_version
    from {{ source('screening', 'screening_list_name_keys') }}

),

final as (

    select
        entry_id,
        matched_name,
        is_alias,
        name_key,
        key_version
    from source

)

select * from final
