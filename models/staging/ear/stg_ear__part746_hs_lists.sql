with

source as (

    select * from {{ source('ear', 'ref_ear746_hs_lists') }}

),

renamed as (

    select
        hs6,
        supplement,
        list_description,
        _source_file as source_file,
        _row_number as source_row_number

    from source

)

select * from renamed
