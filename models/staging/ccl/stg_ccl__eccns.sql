with

source as (

    select * from {{ source('ccl', 'ref_ccl_eccns') }}

),

renamed as (

    select
        eccn,
        category,
        product_group,
        heading,
        reasons_for_control,
        reason_codes,
        license_exceptions,
        related_controls,
        lvs_availability,
        lvs_value_limit_usd,
        gbs_availability,
        tsr_availability,
        _source_file as source_file,
        _row_number as source_row_number

    from source

)

select * from renamed
