{{ config(materialized='reusable_table') }}

{#- One row per candidate line and token of its chain below the heading (the texts
    that tell the lines of one heading apart, GRI 6): the scheme's own chain and, for
    national schemes, the words the HS subheading text adds to the HS heading text.
    is_negated: the token occurs only in negated spans of the chain ("Of aluminum, not
    alloyed", "Vests, other than sweater vests"): a condition the line excludes.
    is_foreign: the token is not in the line's own texts but in a national line of
    another scheme under the same HS subheading (HTSUS and CN subdivide the same HS
    6-digit subheadings and name goods the other leaves to "Other"). -#}

with

lines as (

    select
        scheme, heading_code, candidate_code,
        {{ affirmed_text('below_heading_text') }} as chain_affirmed,
        {{ negated_text('below_heading_text') }} as chain_negated,
        {{ affirmed_text('hs_subheading_description') }} as hs_subheading_affirmed,
        {{ negated_text('hs_subheading_description') }} as hs_subheading_negated,
        hs_heading_description
    from {{ ref('int_candidate_tariff_lines') }}

),

chain_tokens as (

    {{ tokenise('lines', ['scheme', 'heading_code', 'candidate_code'], 'chain_affirmed') }}

),

chain_negated_tokens as (

    {{ tokenise('lines', ['scheme', 'heading_code', 'candidate_code'], 'chain_negated') }}

),

hs_subheading_tokens as (

    {{ tokenise('lines', ['scheme', 'heading_code', 'candidate_code'], 'hs_subheading_affirmed') }}

),

hs_subheading_negated_tokens as (

    {{ tokenise('lines', ['scheme', 'heading_code', 'candidate_code'], 'hs_subheading_negated') }}

),

hs_heading_tokens as (

    {{ tokenise('lines', ['scheme', 'heading_code', 'candidate_code'], 'hs_heading_description') }}

),

affirmed as (

    select scheme, heading_code, candidate_code, token from chain_tokens
    union
    (
        select scheme, heading_code, candidate_code, token from hs_subheading_tokens
        except
        select scheme, heading_code, candidate_code, token from hs_heading_tokens
    )

),

negated as (

    (
        select scheme, heading_code, candidate_code, token from chain_negated_tokens
        union
        select scheme, heading_code, candidate_code, token from hs_subheading_negated_tokens
    )
    except
    select scheme, heading_code, candidate_code, token from affirmed

),

current_national_lines as (

    -- national lines (below 6 digits) of every scheme's current edition
    select scheme, code, description
    from {{ ref('int_tariff_lines_unioned') }}
    where code_level > 6
        and (
            (scheme = 'HTSUS' and edition = '{{ var("hts_edition") }}')
            {%- if var('cn_edition', none) %}
            or (scheme = 'CN' and edition = '{{ var("cn_edition") }}')
            {%- endif %}
        )

),

national_texts as (

    select distinct
        scheme as national_scheme, substr(code, 1, 6) as subheading_code,
        {{ affirmed_text('description') }} as national_text
    from current_national_lines

),

national_tokens as (

    select distinct national_scheme, subheading_code, token
    from ({{ tokenise('national_texts', ['national_scheme', 'subheading_code'], 'national_text') }}) as tokens

),

foreign_words as (

    (
        select distinct candidate_lines.scheme, candidate_lines.heading_code, candidate_lines.candidate_code, national_tokens.token
        from (select distinct scheme, heading_code, candidate_code from lines) as candidate_lines
        inner join national_tokens
            on substr(candidate_lines.candidate_code, 1, 6) = national_tokens.subheading_code
            and candidate_lines.scheme != national_tokens.national_scheme
    )
    except
    (
        select scheme, heading_code, candidate_code, token from affirmed
        union
        select scheme, heading_code, candidate_code, token from negated
    )

),

final as (

    select scheme, heading_code, candidate_code, token, false as is_negated, false as is_foreign from affirmed
    union all
    select scheme, heading_code, candidate_code, token, true as is_negated, false as is_foreign from negated
    union all
    select scheme, heading_code, candidate_code, token, false as is_negated, true as is_foreign from foreign_words

)

select * from final
