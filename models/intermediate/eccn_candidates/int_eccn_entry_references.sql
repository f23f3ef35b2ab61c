{{ config(materialized='reusable_table') }}

{#- Which entries a test/production equipment (B), software (D) or technology (E) entry
    is written by reference to: the CCL writes them so ("“Technology” ... for the
    “development” ... of equipment controlled by 5A002, 5A003 ..."; "production
    “equipment” ... for commodities described in ECCN 0A501"; "“Technology” ... for the
    “development” or “production” of commodities controlled by 3A (except 3A069, ...),
    3B ... or 3C"), and their own words say little of the item. One row per referring
    ECCN and entry of another product group it names, read from the entry's CCL and
    Annex I texts, with `referenced_paragraph` as the text names it:
    - a paragraph or entry ("3A001.b.2", "5A003"), as written;
    - a range of entries ("1A002 to 1A005"): every ECCN of the CCL from the first to the
      last, each as a whole entry (`referenced_paragraph` = the entry);
    - a whole product group of a category ("3A", "1B or 1C"): every ECCN of the CCL of
      that category and group, `referenced_paragraph` = the group ("3A"), so that an entry
      named by its number is preferred to one naming its whole group
      (int_eccn_candidate_scores).
    What a text excludes ("(except 3A069, 3A991 ...)", "other than those specified in
    7A002") is removed before reading; an entry an exclusion names whole (or in a range)
    is not read from a group or range of the same referring ECCN either (the CCL's
    exceptions hold for the EU wording of the same entry, which often has none). A
    paragraph an exclusion names ("except 3B001.a.4") does not remove its entry. Used by
    int_eccn_candidate_scores. -#}

{%- set code_pattern = eccn_code_pattern() -%}
{%- set range_pattern = '[0-9][A-E][0-9]{3} to [0-9][A-E][0-9]{3}' -%}
{%- set group_pattern = '(?:^|[^A-Za-z0-9])[0-9][A-E](?:[^A-Za-z0-9]|$)' -%}

with

ccl_entries as (

    select eccn
    from {{ ref('stg_ccl__eccns') }}

),

texts as (

    select
        eccn,
        own_text,
        {{ eccn_text_without_exclusions('own_text') }} as referring_text

    from {{ ref('int_eccn_texts') }}
    where substr(eccn, 2, 1) in ('B', 'D', 'E')

),

{#- Codes and ranges in the text as read (exclusions removed) and in the whole text. -#}
mentions as (

    select texts.eccn, mention.code
    from texts
    {{ hsguard.unnest_join(hsguard.regex_matches_list('texts.referring_text', code_pattern), 'mention', 'code') }}

),

range_mentions as (

    select texts.eccn, substr(mention.code, 1, 5) as first_eccn, substr(mention.code, 10, 5) as last_eccn
    from texts
    {{ hsguard.unnest_join(hsguard.regex_matches_list('texts.referring_text', range_pattern), 'mention', 'code') }}

),

group_mentions as (

    select texts.eccn, {{ hsguard.regex_replace_all('mention.code', '[^0-9A-E]', '') }} as product_group
    from texts
    {{ hsguard.unnest_join(hsguard.regex_matches_list('texts.referring_text', group_pattern), 'mention', 'code') }}

),

all_mentions as (

    select texts.eccn, mention.code
    from texts
    {{ hsguard.unnest_join(hsguard.regex_matches_list('texts.own_text', code_pattern), 'mention', 'code') }}

),

all_range_mentions as (

    select texts.eccn, substr(mention.code, 1, 5) as first_eccn, substr(mention.code, 10, 5) as last_eccn
    from texts
    {{ hsguard.unnest_join(hsguard.regex_matches_list('texts.own_text', range_pattern), 'mention', 'code') }}

),

{#- Whole entries named only where the text excludes (codes of the whole text that the
    text as read does not name), a range's entries included. -#}
excluded_codes as (

    select eccn, code
    from all_mentions
    where length(code) = 5
    except
    select eccn, code
    from mentions

),

excluded_ranges as (

    select eccn, first_eccn, last_eccn
    from all_range_mentions
    except
    select eccn, first_eccn, last_eccn
    from range_mentions

),

excluded_entries as (

    select eccn as referring_eccn, code as referenced_eccn
    from excluded_codes
    union
    select excluded_ranges.eccn as referring_eccn, ccl_entries.eccn as referenced_eccn
    from excluded_ranges
    inner join ccl_entries
        on ccl_entries.eccn between excluded_ranges.first_eccn and excluded_ranges.last_eccn
        and substr(ccl_entries.eccn, 1, 2) = substr(excluded_ranges.first_eccn, 1, 2)

),

named_references as (

    select
        mentions.eccn as referring_eccn,
        substr(mentions.code, 1, 5) as referenced_eccn,
        mentions.code as referenced_paragraph

    from mentions
    inner join ccl_entries
        on substr(mentions.code, 1, 5) = ccl_entries.eccn

),

range_references as (

    select
        range_mentions.eccn as referring_eccn,
        ccl_entries.eccn as referenced_eccn,
        ccl_entries.eccn as referenced_paragraph

    from range_mentions
    inner join ccl_entries
        on ccl_entries.eccn between range_mentions.first_eccn and range_mentions.last_eccn
        and substr(ccl_entries.eccn, 1, 2) = substr(range_mentions.first_eccn, 1, 2)

),

group_references as (

    select
        group_mentions.eccn as referring_eccn,
        ccl_entries.eccn as referenced_eccn,
        group_mentions.product_group as referenced_paragraph

    from group_mentions
    inner join ccl_entries
        on substr(ccl_entries.eccn, 1, 2) = group_mentions.product_group

),

widened_references as (

    select * from range_references
    union all
    select * from group_references

),

kept_widened_references as (

    select widened_references.*
    from widened_references
    left join excluded_entries
        on widened_references.referring_eccn = excluded_entries.referring_eccn
        and widened_references.referenced_eccn = excluded_entries.referenced_eccn
    where excluded_entries.referenced_eccn is null

),

references_read as (

    select * from named_references
    union all
    select * from kept_widened_references

),

final as (

    select distinct
        referring_eccn,
        referenced_eccn,
        referenced_paragraph

    from references_read
    where substr(referenced_eccn, 2, 1) != substr(referring_eccn, 2, 1)

)

select * from final
