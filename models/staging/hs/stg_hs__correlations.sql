with

source as (

    select * from {{ source('hs', 'ref_hs_correlation') }}

),

renamed as (

    select
        hs2022_code,
        hs2017_code,
        relationship,
        _source_file as source_file,
        _row_number as source_row_number

    from source

)

select * from renamed
