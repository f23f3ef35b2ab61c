with

source as (

    select * from {{ source('ear', 'ref_country_groups') }}

),

renamed as (

    select
        iso2 as country_code,
        ear_name,
        country_group,
        note,
        _source_file as source_file,
        _row_number as source_row_number

    from source

)

select * from renamed
