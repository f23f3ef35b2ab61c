{{ config(materialized='reusable_table') }}

{#- One row per scheme, heading and token: where in the heading the token occurs and
    its weight for the heading score (GRI 1: the terms of the headings, read with the
    chapter titles).
      field_weight = 1 when the token is in the heading text (the scheme's or the HS
          wording), else var candidates_weight_subtree when it is in the text of one of
          the heading's lines (int_candidate_line_terms),
        + var candidates_weight_chapter when it is in the chapter title,
        - var candidates_weight_negated when the heading text or chapter title excludes
          it ("not knitted or crocheted", "other than ...") and does not also affirm it.
      idf = BM25 idf of the token over the headings of the scheme (a heading's document
      is its own, its chapter's and all its lines' words). -#}

with

lines as (

    select scheme, chapter_code, heading_code, chapter_description, heading_description, hs_heading_description
    from {{ ref('int_candidate_tariff_lines') }}

),

chapters as (

    select distinct
        scheme, chapter_code,
        {{ affirmed_text('chapter_description') }} as chapter_affirmed,
        {{ negated_text('chapter_description') }} as chapter_negated
    from lines

),

headings as (

    select distinct
        scheme, chapter_code, heading_code,
        {{ affirmed_text("heading_description || ' > ' || coalesce(hs_heading_description, '')") }} as heading_affirmed,
        {{ negated_text("heading_description || ' > ' || coalesce(hs_heading_description, '')") }} as heading_negated
    from lines

),

chapter_tokens as (

    {{ tokenise('chapters', ['scheme', 'chapter_code'], 'chapter_affirmed') }}

),

chapter_negated_tokens as (

    {{ tokenise('chapters', ['scheme', 'chapter_code'], 'chapter_negated') }}

),

heading_tokens as (

    {{ tokenise('headings', ['scheme', 'heading_code'], 'heading_affirmed') }}

),

heading_negated_tokens as (

    {{ tokenise('headings', ['scheme', 'heading_code'], 'heading_negated') }}

),

line_tokens as (

    select distinct scheme, heading_code, token
    from {{ ref('int_candidate_line_terms') }}
    where not is_negated

),

occurrences as (

    select distinct scheme, heading_code, token, 'heading' as field
    from heading_tokens

    union all

    select distinct headings.scheme, headings.heading_code, chapter_tokens.token, 'chapter' as field
    from headings
    inner join chapter_tokens
        on headings.scheme = chapter_tokens.scheme
        and headings.chapter_code = chapter_tokens.chapter_code

    union all

    select distinct scheme, heading_code, token, 'subheadings' as field
    from line_tokens

    union all

    select distinct scheme, heading_code, token, 'negated' as field
    from heading_negated_tokens

    union all

    select distinct headings.scheme, headings.heading_code, chapter_negated_tokens.token, 'negated' as field
    from headings
    inner join chapter_negated_tokens
        on headings.scheme = chapter_negated_tokens.scheme
        and headings.chapter_code = chapter_negated_tokens.chapter_code

),

best_field as (

    select
        scheme, heading_code, token,
        max(case field when 'heading' then 1.0
            when 'subheadings' then {{ var('candidates_weight_subtree', 0.6) }} else 0
        end)
        + max(case field when 'chapter' then {{ var('candidates_weight_chapter', 0.4) }} else 0 end)
        - case when max(case field when 'negated' then 1 else 0 end) = 1
                and max(case when field in ('heading', 'chapter') then 1 else 0 end) = 0
                then {{ var('candidates_weight_negated', 1.0) }}
            else 0
        end as field_weight,
        -- the field that gave the weight (heading > subheadings > chapter > negated)
        min(case field when 'heading' then 1 when 'subheadings' then 2 when 'chapter' then 3 else 4 end) as field_order
    from occurrences
    group by scheme, heading_code, token

),

heading_counts as (

    select scheme, count(distinct heading_code) as headings
    from lines
    group by scheme

),

document_frequency as (

    select scheme, token, count(*) as df
    from best_field
    group by scheme, token

),

final as (

    select
        best_field.scheme,
        best_field.heading_code,
        best_field.token,
        case best_field.field_order when 1 then 'heading' when 2 then 'subheadings'
            when 3 then 'chapter' else 'negated'
        end as field,
        best_field.field_weight,
        document_frequency.df,
        {{ idf('document_frequency.df', 'heading_counts.headings') }} as idf

    from best_field
    inner join document_frequency
        on best_field.scheme = document_frequency.scheme
        and best_field.token = document_frequency.token
    inner join heading_counts
        on best_field.scheme = heading_counts.scheme

)

select * from final
