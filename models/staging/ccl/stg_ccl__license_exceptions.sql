with

source as (

    select * from {{ source('ccl', 'ref_license_exceptions') }}

),

renamed as (

    select
        symbol as license_exception,
        title,
        section,
        _source_file as source_file,
        _row_number as source_row_number

    from source

)

select * from renamed
