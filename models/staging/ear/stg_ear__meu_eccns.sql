with

source as (

    select * from {{ source('ear', 'ref_ear_meu_eccns') }}

),

renamed as (

    select
        eccn,
        source as rule_source,
        _source_file as source_file,
        _row_number as source_row_number

    from source

)

select * from renamed
