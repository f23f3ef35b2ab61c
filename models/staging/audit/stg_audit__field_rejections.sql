{{ config(tags=['report_input']) }}

{#- audit.field_rejections, written by the flows (Python); read by the report feeds through this view. -#}

with

source as (

    select * from {{ source('audit', 'field_rejections') }}

)

select * from source
