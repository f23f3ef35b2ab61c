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

final as (

    select * from ccl_texts
    union all
    select * from annex_texts

)

select * from final
