{{ config(tags=['report_input']) }}

{#- audit.load_lineage, written by the flows (Python); read by the report feeds through this view. -#}

with

source as (

    select * from {{ source('audit', 'load_lineage') }}

)

select * from source
