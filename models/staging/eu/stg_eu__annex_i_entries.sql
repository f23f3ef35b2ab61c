with

source as (

    select * from {{ source('eu', 'ref_eu_annex_i') }}

),

renamed as (

    select
        entry_code,
        category,
        product_group,
        title_or_text,
        _source_file as source_file,
        _row_number as source_row_number

    from source

)

select * from renamed
