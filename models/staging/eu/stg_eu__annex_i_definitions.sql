with

source as (

    select * from {{ source('eu', 'ref_eu_annex_i_definitions') }}

),

renamed as (

    select
        cast(_row_number as string) || ':' || lower(term) as definition_id,
        _row_number as definition_key,
        lower(term) as term,
        definition,
        _source_file as source_file

    from source

)

select * from renamed
