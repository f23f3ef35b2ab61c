{{ config(tags=['report_input']) }}

{#- audit.flag_history, written by the flows (Python); read by the report feeds through this view. -#}

with

source as (

    select * from {{ source('audit', 'flag_history') }}

)

select * from source
