with

source as (

    select * from {{ source('hts', 'ref_hts_revision_concordance') }}

),

renamed as (

    select
        old_hts10 as old_code,
        new_hts10 as new_code,
        revision_from,
        revision_to,
        change_type,
        description_old,
        description_new,
        cast(similarity as double) as description_similarity,
        _source_file as source_file,
        _row_number as source_row_number

    from source

)

select * from renamed
