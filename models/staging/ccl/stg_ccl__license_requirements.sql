with

source as (

    select * from {{ source('ccl', 'ref_ccl_license_requirements') }}

),

renamed as (

    select
        eccn,
        line_number,
        reason_code,
        control_text,
        chart_text,
        chart_columns,
        points_elsewhere,
        applies_to_paragraphs,
        _source_file as source_file,
        _row_number as source_row_number

    from source

)

select * from renamed
