{{ config(materialized='reusable_table') }}

{#- The lines candidates are chosen from, per scheme, in the scheme's current edition
    (HTSUS: var hts_edition, HS: var hs_edition, another scheme such as CN: var
    <scheme>_edition when set, else its latest loaded edition), with the texts the
    hierarchical score reads: chapter, heading, and the chain below the heading (GRI 6).
    Candidate lines are declarable lines outside chapters 98/99 (special provisions
    and additional duties are never a product's own classification). HTSUS candidates
    are reporting_codes (10 digits). -#}

with

lines as (

    select
        scheme, edition, code, code_display, code_level, parent_code,
        description, full_description, is_declarable, reporting_code
    from {{ ref('int_tariff_lines_unioned') }}
    {%- if var('candidate_schemes', none) %}
    where scheme in ({% for s in var('candidate_schemes') %}'{{ s }}'{{ ',' if not loop.last }}{% endfor %})
    {%- endif %}

),

latest_editions as (

    select scheme, max(edition) as latest_edition
    from lines
    group by scheme

),

current_editions as (

    select
        scheme,
        case scheme
            when 'HTSUS' then '{{ var("hts_edition") }}'
            when 'HS' then '{{ var("hs_edition") }}'
            {%- if var('cn_edition', none) %}
            when 'CN' then '{{ var("cn_edition") }}'
            {%- endif %}
            else latest_edition
        end as edition
    from latest_editions

),

current_lines as (

    select lines.*
    from lines
    inner join current_editions
        on lines.scheme = current_editions.scheme
        and lines.edition = current_editions.edition

),



{#- Chapter titles: the scheme's own 2-digit lines, else the HS chapter titles (HTSUS
    has no chapter lines; its chapters are the HS chapters). -#}
hs_chapters as (

    select code as chapter_code, description as chapter_description
    from {{ ref('int_tariff_lines_unioned') }}
    where scheme = 'HS'
        and edition = '{{ var("hs_edition") }}'
        and code_level = 2

),



{#- HS texts of the same heading and subheading: HTSUS and CN are national subdivisions
    of the HS, and the WCO wording often names what the national text leaves to
    "Other" (HTSUS 9013 does not say "liquid crystal devices"; HS 9013 does). -#}
hs_texts as (

    select code, description
    from {{ ref('int_tariff_lines_unioned') }}
    where scheme = 'HS'
        and edition = '{{ var("hs_edition") }}'
        and code_level in (4, 6)

),

own_chapters as (

    select scheme, code as chapter_code, description as chapter_description
    from current_lines
    where code_level = 2

),

headings as (

    select
        scheme,
        code as heading_code,
        code_display as heading_display,
        description as heading_description,
        full_description as heading_full_description
    from current_lines
    where code_level = 4

),

candidate_lines as (

    select
        current_lines.scheme,
        current_lines.edition,
        current_lines.code,
        case when current_lines.scheme = 'HTSUS' then current_lines.reporting_code
            else current_lines.code
        end as candidate_code,
        current_lines.code_display,
        substr(current_lines.code, 1, 2) as chapter_code,
        substr(current_lines.code, 1, 4) as heading_code,
        current_lines.description,
        current_lines.full_description
    from current_lines
    where current_lines.is_declarable
        and current_lines.code_level >= 6
        and substr(current_lines.code, 1, 2) not in ('98', '99')

),

final as (

    select
        candidate_lines.scheme,
        candidate_lines.edition,
        candidate_lines.candidate_code,
        candidate_lines.code,
        candidate_lines.code_display,
        candidate_lines.chapter_code,
        candidate_lines.heading_code,
        headings.heading_display,
        coalesce(own_chapters.chapter_description, hs_chapters.chapter_description, '') as chapter_description,
        coalesce(headings.heading_description, '') as heading_description,
        candidate_lines.description,
        candidate_lines.full_description,
        -- the chain below the heading: what distinguishes the lines of one heading (GRI 6)
        case
            when headings.heading_full_description is not null
                and substr(candidate_lines.full_description, 1, length(headings.heading_full_description))
                = headings.heading_full_description
                then {{ hsguard.ltrim_characters('substr(candidate_lines.full_description, length(headings.heading_full_description) + 1)', "' >'") }}
            else candidate_lines.full_description
        end as below_heading_text,
        case when candidate_lines.scheme != 'HS' then hs_headings.description end as hs_heading_description,
        case when candidate_lines.scheme != 'HS' then hs_subheadings.description end as hs_subheading_description,
        -- residual ("Other") lines: GRI 6 fallback when no sibling's own words match
        lower(trim(candidate_lines.description)) like 'other%' as is_residual

    from candidate_lines
    left join headings
        on candidate_lines.scheme = headings.scheme
        and candidate_lines.heading_code = headings.heading_code
    left join own_chapters
        on candidate_lines.scheme = own_chapters.scheme
        and candidate_lines.chapter_code = own_chapters.chapter_code
    left join hs_chapters
        on candidate_lines.chapter_code = hs_chapters.chapter_code
    left join hs_texts as hs_headings
        on candidate_lines.heading_code = hs_headings.code
    left join hs_texts as hs_subheadings
        on substr(candidate_lines.code, 1, 6) = hs_subheadings.code

)

select * from final
