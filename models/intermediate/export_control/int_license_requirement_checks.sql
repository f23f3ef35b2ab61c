{{ config(materialized='reusable_table') }}

{#- One row per shipment line and licence-requirement line of its ECCN: the Country
    Chart column(s) or rule, whether the destination has an X, and the line's decision.
    Logic in macros/licences.sql. -#}

{{ license_requirement_checks(ref('int_shipment_lines_classified')) }}
