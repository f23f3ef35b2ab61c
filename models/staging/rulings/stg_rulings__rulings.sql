with

source as (

    select * from {{ source('rulings', 'rulings') }}

),

renamed as (

    select
        ruling_id,
        upper(authority) as authority,
        issued_date,
        lower(status) as status,
        description,
        hts_code as hts_code_raw,
        {{ strip_code_separators('hts_code') }} as hts_code,
        cn_code as cn_code_raw,
        {{ strip_code_separators('cn_code') }} as cn_code,
        reasoning,
        _source_file as source_file,
        _row_number as source_row_number

    from source

)

select * from renamed
