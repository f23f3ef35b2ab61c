with

source as (

    select * from {{ source('screening', 'ref_screening_entries') }}

),

renamed as (

    select
        entry_id,
        name,
        alt_names,
        list_name,
        countries,
        programs,
        entry_type,
        license_requirement,
        license_policy,
        {#- what a reviewer's "not this entry" decision was made against: when the entry's
            names, list, countries or licence terms change, the decision lapses -#}
        {{ dbt.hash(dbt.concat([
            "entry_id", "'|'", "name", "'|'", "coalesce(alt_names, '')", "'|'", "list_name",
            "'|'", "coalesce(countries, '')", "'|'", "coalesce(programs, '')",
            "'|'", "coalesce(license_requirement, '')", "'|'", "coalesce(license_policy, '')"
        ])) }} as entry_version,
        _source_file as source_file,
        _row_number as source_row_number

    from source

)

select * from renamed
