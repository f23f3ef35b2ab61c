with

source as (

    select * from {{ source('ear', 'ref_country_chart') }}

),

renamed as (

    select
        iso2 as country_code,
        ear_name,
        column_code,
        is_licence_required,
        is_embargoed,
        footnotes,
        note,
        inherits_from_iso2 as inherits_from_country_code,
        _source_file as source_file,
        _row_number as source_row_number

    from source

)

select * from renamed
