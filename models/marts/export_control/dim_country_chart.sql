with

chart as (

    select * from {{ ref('stg_ear__country_chart') }}

),

final as (

    select
        country_code,
        ear_name,
        column_code,
        is_licence_required,
        is_embargoed,
        footnotes,
        note,
        inherits_from_country_code,
        inherits_from_country_code is not null as is_inherited_row

    from chart

)

select * from final
