with

source as (

    select * from {{ source('cn', 'ref_cn_lines') }}

),

renamed as (

    select
        'CN' as scheme,
        edition,
        code,
        code_display,
        length(code) as code_level,
        parent_code,
        description,
        full_description,
        units,
        part as source_part,
        _source_file as source_file,
        _row_number as source_row_number

    from source

)

select * from renamed
