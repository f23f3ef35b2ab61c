{#- Reviewers' decisions on party-screening matches (screening_overrides.csv): "end user X is
    not list entry Y", against the entry as it was (entry_version). The end user is matched
    as written, case and surrounding spaces aside (end_user_match). -#}

with

source as (

    select * from {{ source('erp', 'erp_screening_overrides') }}

),

renamed as (

    select
        end_user,
        lower(trim(end_user)) as end_user_match,
        upper(trim(entry_id)) as entry_id,
        lower(trim(entry_version)) as entry_version,
        lower(trim(decision)) as decision,
        reason,
        reviewer,
        decided_at,
        _row_number as source_row_number,
        _source_file as source_file,
        _run_id as run_id

    from source

)

select * from renamed
