with

source as (

    select * from {{ source('ccl', 'ref_ccl_requirement_scopes') }}

),

renamed as (

    select
        eccn,
        line_number,
        relation,
        paragraph,
        _source_file as source_file,
        _row_number as source_row_number

    from source

)

select * from renamed
