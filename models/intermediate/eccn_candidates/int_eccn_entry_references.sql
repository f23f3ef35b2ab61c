{{ config(materialized='reusable_table') }}

{#- Which entries a test/production equipment (B), software (D) or technology (E) entry
    is written by reference to: the CCL writes them so ("“Technology” ... for the
    “development” ... of equipment controlled by 5A002, 5A003 ..."; "production
    “equipment” ... for commodities described in ECCN 0A501"), and their own words say
    little of the item. One row per referring and referenced ECCN of another product
    group, read from the entry's CCL and Annex I texts; what a text excludes ("(except
    3A069, ...)", "other than those specified in 7A002") is removed first, and a reference
    to a whole group ("3A, 3B or 3C") is not read. Used by int_eccn_candidate_scores. -#}

with

ccl_entries as (

    select eccn
    from {{ ref('stg_ccl__eccns') }}

),

texts as (

    select
        eccn,
        {{ hsguard.regex_replace_all(
            hsguard.regex_replace_all('own_text', '[(](except|other than)[^)]*[)]', ' ', 'i'),
            '(other than|except|not specified|not controlled|not described)[^;:]*', ' ', 'i'
        ) }} as referring_text

    from {{ ref('int_eccn_texts') }}
    where substr(eccn, 2, 1) in ('B', 'D', 'E')

),

mentions as (

    select texts.eccn, mention.code
    from texts
    {{ hsguard.unnest_join(hsguard.regex_matches_list('texts.referring_text', '[0-9][A-E][0-9]{3}'), 'mention', 'code') }}

),

final as (

    select distinct
        mentions.eccn as referring_eccn,
        mentions.code as referenced_eccn

    from mentions
    inner join ccl_entries
        on mentions.code = ccl_entries.eccn
    where substr(mentions.code, 2, 1) != substr(mentions.eccn, 2, 1)

)

select * from final
