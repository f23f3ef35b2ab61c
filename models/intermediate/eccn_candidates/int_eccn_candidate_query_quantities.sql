{{ config(materialized='reusable_table') }}

{#- The numbers with units each description states (macro eccn_quantities, the same
    rule as for the entry texts): "12 W", "9-10 GHz", "256-bit". -#}

with

queries as (

    select query_key, description
    from {{ ref('int_eccn_candidate_queries') }}

),

final as (

    {{ eccn_quantities('queries', ['query_key'], 'description') }}

)

select * from final
