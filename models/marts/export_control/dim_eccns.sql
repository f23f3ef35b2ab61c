with

eccns as (

    select * from {{ ref('stg_ccl__eccns') }}

),

requirement_counts as (

    select
        eccn,
        count(*) as requirement_lines,
        sum(case when points_elsewhere then 1 else 0 end) as lines_pointing_elsewhere

    from {{ ref('stg_ccl__license_requirements') }}
    group by eccn

),

final as (

    select
        eccns.eccn,
        eccns.category,
        eccns.product_group,
        eccns.heading,
        eccns.reasons_for_control,
        eccns.reason_codes,
        eccns.license_exceptions,
        eccns.related_controls,
        coalesce(requirement_counts.requirement_lines, 0) as requirement_lines,
        coalesce(requirement_counts.lines_pointing_elsewhere, 0) as lines_pointing_elsewhere,
        eccns.source_file

    from eccns
    left join requirement_counts
        on eccns.eccn = requirement_counts.eccn

)

select * from final
