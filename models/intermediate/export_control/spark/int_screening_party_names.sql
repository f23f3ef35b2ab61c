{{ config(materialized='table') }}

{#- The Spark engine's int_screening_party_names (dbt_project.yml enables this folder on
    target type spark and the Python model of the same name on every other): the same names
    (shipment end users and the evaluation set's names, trimmed, once per origin), their
    keys computed by hsguard.spark_raw with hsguard.screening.party_name_key. Documented and
    tested in ../_export_control__models.yml. -#}
with

end_users as (

    select distinct
        trim(end_user) as party_name,
        'end_user' as name_origin
    from {{ ref('int_shipment_lines_classified') }}
    where end_user is not null and trim(end_user) != ''

),

evaluation as (

    select distinct
        trim(party_name) as party_name,
        'evaluation' as name_origin
    from {{ ref('screening_evaluation_names') }}

),

party_keys as (

    select party_name, name_key, key_version
    from {{ ref('stg_screening__party_name_keys') }}

),

names as (

    select party_name, name_origin from end_users
    union all
    select party_name, name_origin from evaluation

),

final as (

    select
        names.party_name,
        names.name_origin,
        party_keys.name_key,
        party_keys.key_version
    from names
    left join party_keys
        on names.party_name = party_keys.party_name

)

select * from final
