with

changes as (

    select * from {{ ref('int_tariff_changes_unioned') }}

),

final as (

    select * from changes

)

select * from final
