with

groups as (

    select * from {{ ref('stg_ear__country_groups') }}

),

final as (

    select country_code, ear_name, country_group, note
    from groups

)

select * from final
