with

source as (

    select * from {{ source('hts', 'ref_hts_lines') }}

),

renamed as (

    select
        'HTSUS' as scheme,
        edition,
        code,
        code_display,
        length(code) as code_level,
        indent,
        parent_code,
        description,
        full_description,
        units,
        nullif(general_rate, '') as general_rate,
        nullif(special_rate, '') as special_rate,
        nullif(column2_rate, '') as column2_rate,
        nullif(quota_quantity, '') as quota_quantity,
        nullif(additional_duties, '') as additional_duties,
        _source_file as source_file,
        _row_number as source_row_number

    from source

)

select * from renamed
