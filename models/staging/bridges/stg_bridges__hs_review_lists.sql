with

source as (

    select * from {{ source('bridges', 'ref_export_control_bridges') }}

),

renamed as (

    select
        code,
        code_level,
        list_name,
        tier,
        control_code,
        description,
        reliability,
        source_code,
        _source_file as source_file,
        _row_number as source_row_number

    from source

)

select * from renamed
