{{ config(tags=['report_input']) }}

{#- audit.validation_results, written by the flows (Python); read by the report feeds through this view. -#}

with

source as (

    select * from {{ source('audit', 'validation_results') }}

)

select * from source
