{#- The General Rules of Interpretation a ruling's reasoning cites ("GRI 1",
    "General Rule of Interpretation 3(b)", "Rule 2(a)"), normalised to "GRI 3(b)". -#}

with

rulings as (

    select * from {{ ref('stg_rulings__rulings') }}

),

final as (

    select
        rulings.*,
        {{ extract_gri_citations('rulings.reasoning') }} as gri_rules_cited

    from rulings

)

select * from final
