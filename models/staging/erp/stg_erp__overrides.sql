{#- Reviewers' decisions on flags (overrides.csv), typed and normalised for matching:
    check_code and scheme upper-case, decision lower-case, declared_code without
    separators (the same normalisation as the checks). -#}

with

source as (

    select * from {{ source('erp', 'erp_overrides') }}

),

renamed as (

    select
        sku,
        upper(trim(check_code)) as check_code,
        nullif(upper(trim(scheme)), '') as scheme,
        nullif(trim(shipment_id), '') as shipment_id,
        lower(trim(decision)) as decision,
        reason,
        reviewer,
        decided_at,
        declared_code as declared_code_raw,
        nullif(upper({{ strip_code_separators('declared_code') }}), '') as declared_code,
        _row_number as source_row_number,
        _source_file as source_file,
        _run_id as run_id

    from source

)

select * from renamed
