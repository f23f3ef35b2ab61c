{#- audit.validation_findings, written by the flows (Python); read by int_flags_input_expectation_failed through this view. -#}

with

source as (

    select * from {{ source('audit', 'validation_findings') }}

)

select * from source
