{{ config(materialized='reusable_table') }}

{#- The parameters each text states with a bound (macro eccn_quantities on the
    paragraph's path: its ancestors' conditions are its conditions too, e.g. the
    frequency band of 3A001.b.2 for 3A001.b.2.a; its notes included): per text and
    dimension the lowest lower
    bound ("exceeding 10 W", "at least 95 %", or the low end of "from 9 to 10 GHz") and the
    highest upper bound ("less than 50 ns", "up to and including 6.8 GHz"), in the
    dimension's base unit, with the words as written. A value without a bound ("at
    1550 nm") is no threshold and is not compared. -#}

with

texts as (

    select text_id, path_text
    from {{ ref('int_eccn_texts') }}

),

quantities as (

    {{ eccn_quantities('texts', ['text_id'], 'path_text') }}

),

bounds as (

    select *
    from quantities
    where direction is not null

),

final as (

    select
        text_id,
        dimension,
        min(case when direction in ('min', 'range') then low_si end) as lower_bound_si,
        max(case when direction in ('max', 'range') then high_si end) as upper_bound_si,
        {{ dbt.listagg('quote', "'; '", 'order by quantity_position') }} as quotes

    from bounds
    group by text_id, dimension

)

select * from final
