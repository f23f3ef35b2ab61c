with

source as (

    select * from {{ source('ccl', 'ref_ccl_paragraphs') }}

),

renamed as (

    select
        eccn,
        paragraph,
        status,
        _source_file as source_file,
        _row_number as source_row_number

    from source

)

select * from renamed
