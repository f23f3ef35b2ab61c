with

source as (

    select * from {{ source('screening', 'ref_screening_entries') }}

),

renamed as (

    select
        entry_id,
        name,
        alt_names,
        list_name,
        countries,
        programs,
        _source_file as source_file,
        _row_number as source_row_number

    from source

)

select * from renamed
