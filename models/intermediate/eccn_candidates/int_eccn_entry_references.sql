{{ config(materialized='reusable_table') }}

{#- Which entries a test/production equipment (B), software (D) or technology (E) entry
    is written by reference to: the CCL writes them so ("“Technology” ... for the
    “development” ... of equipment controlled by 5A002, 5A003 ..."; "production
    “equipment” ... for commodities described in ECCN 0A501"), and their own words say
    little of the item. One row per referring ECCN and paragraph of another product group
    it names (`referenced_paragraph` as written, "3A001.b.2"; `referenced_eccn` its
    entry), read from the entry's CCL and Annex I texts; what a text excludes ("(except
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
    {{ hsguard.unnest_join(hsguard.regex_matches_list('texts.referring_text', '[0-9][A-E][0-9]{3}(?:[.][a-z0-9]+)*'), 'mention', 'code') }}

),

final as (

    select distinct
        mentions.eccn as referring_eccn,
        substr(mentions.code, 1, 5) as referenced_eccn,
        mentions.code as referenced_paragraph

    from mentions
    inner join ccl_entries
        on substr(mentions.code, 1, 5) = ccl_entries.eccn
    where substr(mentions.code, 2, 1) != substr(mentions.eccn, 2, 1)

)

select * from final
