{{ config(tags=['report_input']) }}

{#- audit.quarantine, written by the flows (Python); read by the report feeds through this view. -#}

with

source as (

    select * from {{ source('audit', 'quarantine') }}

)

select * from source
