with

source as (

    select * from {{ source('ccl_text', 'ref_ccl_paragraph_texts') }}

),

renamed as (

    select
        coalesce(paragraph, eccn) as paragraph_key,
        eccn,
        paragraph,
        parent_paragraph,
        depth,
        own_text,
        path_text,
        _source_file as source_file,
        _row_number as source_row_number

    from source

)

select * from renamed
