with

source as (

    select * from {{ source('hs', 'ref_hs_nomenclature') }}

),

renamed as (

    select
        'HS' as scheme,
        edition,
        section,
        code,
        code as code_display,
        level as code_level,
        parent_code,
        description,
        full_description,
        _source_file as source_file,
        _row_number as source_row_number

    from source

)

select * from renamed
