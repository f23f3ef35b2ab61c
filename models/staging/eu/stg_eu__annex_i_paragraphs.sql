with

source as (

    select * from {{ source('eu', 'ref_eu_annex_i_paragraphs') }}

),

renamed as (

    select
        coalesce(paragraph, eccn) as paragraph_key,
        eccn as entry_code,
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
