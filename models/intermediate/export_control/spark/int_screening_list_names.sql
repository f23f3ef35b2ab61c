{{ config(materialized='table') }}

{#- The Spark engine's int_screening_list_names (dbt_project.yml enables this folder on
    target type spark and the Python model of the same name on every other): the same rows,
    computed by hsguard.spark_raw with the functions of the Python model. Documented and
    tested in ../_export_control__models.yml. -#}
with

list_names as (

    select entry_id, matched_name, is_alias, name_key, key_version
    from {{ ref('stg_screening__list_name_keys') }}

),

final as (

    select
        entry_id,
        matched_name,
        is_alias,
        name_key,
        key_version
    from list_names

)

select * from final
