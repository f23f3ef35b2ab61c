with

entries as (

    select * from {{ ref('stg_screening__entries') }}

),

final as (

    select entry_id, name, alt_names, list_name, countries, programs
    from entries

)

select * from final
