{#- The Spark engine only (enabled by dbt_project.yml): the party names to screen with
    their keys, as hsguard.spark_raw computed them (the DuckDB build computes them in the
    dbt Python model int_screening_party_names, with the same function). -#}
with

source as (

    select party_name, name_key, key_version
    from {{ source('screening', 'screening_party_name_keys') }}

),

final as (

    select
        party_name,
        name_key,
        key_version
    from source

)

select * from final
