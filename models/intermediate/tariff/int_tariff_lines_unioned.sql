{{ config(materialized='reusable_table') }}

with

hts_lines as (

    select
        scheme, edition, code, code_display, code_level, indent, parent_code,
        description, full_description, units,
        general_rate, special_rate, column2_rate,
        source_file, source_row_number
    from {{ ref('stg_hts__lines') }}

),

hs_lines as (

    select
        scheme, edition, code, code_display, code_level,
        cast(null as integer) as indent,
        parent_code, description, full_description,
        cast(null as string) as units,
        cast(null as string) as general_rate,
        cast(null as string) as special_rate,
        cast(null as string) as column2_rate,
        source_file, source_row_number
    from {{ ref('stg_hs__nomenclature') }}

),

cn_lines as (

    select
        scheme, edition, code, code_display, code_level,
        cast(null as integer) as indent,
        parent_code, description, full_description, units,
        cast(null as string) as general_rate,
        cast(null as string) as special_rate,
        cast(null as string) as column2_rate,
        source_file, source_row_number
    from {{ ref('stg_cn__lines') }}

),

unioned as (

    select * from hts_lines
    union all
    select * from hs_lines
    union all
    select * from cn_lines

),

child_counts as (

    select scheme, edition, parent_code as code, count(*) as child_count
    from unioned
    where parent_code is not null
    group by scheme, edition, parent_code

),

final as (

    select
        unioned.*,
        coalesce(child_counts.child_count, 0) as child_count,
        -- GRI 6: only lines with no subdivision can be declared. HTSUS chapter 99 lines
        -- are additional/temporary duties reported beside a chapter 1-97 code, never alone.
        -- HS: the declarable level is the 6-digit subheading.
        case
            when unioned.scheme = 'HTSUS' and substr(unioned.code, 1, 2) = '99' then false
            when unioned.scheme = 'HS' then unioned.code_level = 6
            -- CN: the 8-digit CN subheadings are the declarable level.
            when unioned.scheme = 'CN' then unioned.code_level = 8
            else coalesce(child_counts.child_count, 0) = 0
        end as is_declarable,
        -- The 10-digit statistical reporting number of a declarable HTSUS line: 8-digit
        -- lines without statistical suffixes are reported with suffix 00.
        case
            when unioned.scheme = 'HTSUS' and unioned.code_level = 8 then unioned.code || '00'
            else unioned.code
        end as reporting_code

    from unioned
    left join child_counts
        on unioned.scheme = child_counts.scheme
        and unioned.edition = child_counts.edition
        and unioned.code = child_counts.code

)

select * from final
