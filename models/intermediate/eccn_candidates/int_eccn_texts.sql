{{ config(materialized='reusable_table') }}

{#- The texts a description is matched against, one row per paragraph: every CCL
    heading (all 633 ECCNs, 600-series and 9x515 included) and item paragraph (categories
    1, 3, 4, 5: the rest of the CCL is bundled as headings only), and every paragraph of
    the EU dual-use list (Annex I of Regulation 2021/821, all categories) whose entry code
    is an ECCN of the loaded CCL: both implement the same multilateral control under the
    same number, so the Annex is extra wording for that ECCN (an Annex entry the CCL does
    not carry is left out: it is no ECCN). `eccn_paragraph` is the CCL paragraph a match
    can be cited to: the CCL's own paragraph, or the ECCN itself for a heading or an Annex
    paragraph (the Annex numbers its paragraphs its own way). -#}

with

ccl_entries as (

    select eccn, heading
    from {{ ref('stg_ccl__eccns') }}

),

ccl_paragraphs as (

    select paragraph_key, eccn, paragraph, own_text, path_text
    from {{ ref('stg_ccl_text__paragraphs') }}

),

annex_paragraphs as (

    select paragraph_key, entry_code, paragraph, own_text, path_text
    from {{ ref('stg_eu__annex_i_paragraphs') }}

),

annex_definitions as (

    select definition_key, term, definition
    from {{ ref('stg_eu__annex_i_definitions') }}

),

ccl_texts as (

    select
        'CCL:' || ccl_paragraphs.paragraph_key as text_id,
        ccl_paragraphs.eccn,
        coalesce(ccl_paragraphs.paragraph, ccl_paragraphs.eccn) as eccn_paragraph,
        ccl_paragraphs.paragraph_key as source_paragraph,
        case when ccl_paragraphs.paragraph is null then 'CCL heading' else 'CCL paragraph' end as source,
        ccl_paragraphs.own_text,
        ccl_paragraphs.path_text

    from ccl_paragraphs

),

annex_texts as (

    select
        'EU:' || annex_paragraphs.paragraph_key as text_id,
        annex_paragraphs.entry_code as eccn,
        annex_paragraphs.entry_code as eccn_paragraph,
        annex_paragraphs.paragraph_key as source_paragraph,
        'EU Annex I' as source,
        annex_paragraphs.own_text,
        annex_paragraphs.path_text

    from annex_paragraphs
    inner join ccl_entries
        on annex_paragraphs.entry_code = ccl_entries.eccn

),

texts as (

    select * from ccl_texts
    union all
    select * from annex_texts

),

{#- A text that names one paragraph of another entry of its category and product group
    is read with that paragraph's words: "Incorporating "focal plane arrays" specified in
    6A002.a.3.f" (6A003.b.4.b) says nothing of the arrays itself. What the text excludes
    or points elsewhere ("except ...", "other than ...", "see 6B002") is not read, as in
    int_eccn_entry_references; a text naming several paragraphs (9A004.d names 18) is
    read as written. The paragraph's own text is the CCL's where it has one, else the
    Annex's. -#}
referring_texts as (

    select
        text_id,
        eccn,
        {{ hsguard.regex_replace_all(eccn_text_without_exclusions('own_text'), '(^|[^a-z])see [^;:)]*', ' ', 'i') }}
            as referring_text

    from texts

),

mentions as (

    select referring_texts.text_id, referring_texts.eccn, mention.code
    from referring_texts
    {{ hsguard.unnest_join(hsguard.regex_matches_list('referring_texts.referring_text', eccn_code_pattern()), 'mention', 'code') }}
    where substr(mention.code, 1, 5) != referring_texts.eccn
        and substr(mention.code, 1, 2) = substr(referring_texts.eccn, 1, 2)

),

single_references as (

    select text_id, min(code) as referenced_paragraph
    from mentions
    group by text_id
    having count(distinct code) = 1

),

{#- An entry whose heading writes a term the Annex defines, between quotation marks as
    both lists write their defined terms ("“Spacecraft” and related commodities" (9A515),
    "\"UAVs\"" (9A012); a plural "s" or "es" read as the term), is read with the term's
    definition, in every text of the entry: "Spacecraft" means a craft ... "in the form of
    a "satellite", "space probe", or "space vehicle"", the words a description of a
    satellite uses. The heading says what the entry's goods are (a paragraph's terms are
    mostly its parameters: "specific modulus", "peak power"); the CCL's or the Annex's
    heading of the same number. One level (the definition's own defined terms are not read
    in turn). A term that more than 2 % of the entries' headings write ("production",
    "technology", "software", "development", "use", "missiles") is read as the texts use
    it: its definition would be the same extra words for a whole product group (the 2 %
    is the word scores' limit of a rare word; the product-group terms are step 5's, macro
    eccn_product_group_words). The definition is kept in its own column: it is wording,
    never a threshold (the parameters are read from path_text only). -#}
heading_quotes as (

    select distinct
        texts.eccn,
        lower({{ hsguard.regex_replace_all(
            hsguard.regex_replace_all('quoted.quote', '[“”"]', ''), '^[ ,.;:]+|[ ,.;:]+$', ''
        ) }}) as quoted_term

    from texts
    {{ hsguard.unnest_join(hsguard.regex_matches_list('texts.own_text', '[“"][^“”"]+[”"]'), 'quoted', 'quote') }}
    where texts.source_paragraph = texts.eccn

),

entry_definitions_written as (

    select distinct heading_quotes.eccn, annex_definitions.definition_key
    from heading_quotes
    inner join annex_definitions
        on heading_quotes.quoted_term in (
            annex_definitions.term, annex_definitions.term || 's', annex_definitions.term || 'es'
        )

),

entry_count as (

    select count(*) as entry_count
    from ccl_entries

),

rare_definitions as (

    select entry_definitions_written.definition_key
    from entry_definitions_written
    cross join entry_count
    group by entry_definitions_written.definition_key, entry_count.entry_count
    having count(*) <= 0.02 * entry_count.entry_count

),

definitions_read as (

    select
        annex_definitions.definition_key,
        min(annex_definitions.definition) as definition,
        min(annex_definitions.term) as term

    from annex_definitions
    inner join rare_definitions
        on annex_definitions.definition_key = rare_definitions.definition_key
    group by annex_definitions.definition_key

),

entry_definitions as (

    select
        entry_definitions_written.eccn,
        {{ hsguard.listagg_sorted('definitions_read.definition', "' '", ['definitions_read.definition_key']) }}
            as definition_text,
        {{ hsguard.listagg_sorted("'\"' || definitions_read.term || '\"'", "', '", ['definitions_read.definition_key']) }}
            as defined_terms

    from entry_definitions_written
    inner join definitions_read
        on entry_definitions_written.definition_key = definitions_read.definition_key
    group by entry_definitions_written.eccn

),

paragraph_texts as (

    select
        eccn_paragraph,
        own_text,
        row_number() over (
            partition by eccn_paragraph order by case when source = 'EU Annex I' then 1 else 0 end, text_id
        ) as text_rank

    from (
        select source_paragraph as eccn_paragraph, source, own_text, text_id
        from texts
    ) as paragraphs

),

final as (

    select
        texts.text_id,
        texts.eccn,
        texts.eccn_paragraph,
        texts.source_paragraph,
        texts.source,
        texts.own_text,
        texts.path_text || coalesce(' ' || paragraph_texts.own_text, '') as path_text,
        entry_definitions.definition_text,
        entry_definitions.defined_terms

    from texts
    left join entry_definitions
        on texts.eccn = entry_definitions.eccn
    left join single_references
        on texts.text_id = single_references.text_id
    left join paragraph_texts
        on single_references.referenced_paragraph = paragraph_texts.eccn_paragraph
        and paragraph_texts.text_rank = 1

)

select * from final
