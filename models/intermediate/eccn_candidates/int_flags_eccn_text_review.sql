{#- ECCN_TEXT_REVIEW: the product's own description reads like a controlled entry of the
    Commerce Control List (rank-1 text candidate confident enough to rank above EAR99:
    var eccn_text_review_min_confidence, chosen on held-out data), while
    - its ECCN is EAR99 or missing (level TEXT_ONLY, medium; TEXT_AND_HS_LIST, high, when
      ECCN_DUAL_USE_REVIEW also lists its HS code), or
    - its declared ECCN is of another category and product group than the candidate
      (level OTHER_GROUP, medium).
    A review prompt, never a classification: the suggested code is the text candidate. -#}

with

eccns as (

    select sku, eccn_raw, eccn, eccn_status
    from {{ ref('int_product_eccns_normalised') }}

),

text_candidates as (

    select sku, text_eccn, text_eccn_entry, text_confidence, text_evidence
    from {{ ref('int_product_eccn_text_candidates') }}

),

hs_listed as (

    select distinct sku
    from {{ ref('int_flags_eccn_dual_use_review') }}

),

compared as (

    select
        eccns.sku,
        eccns.eccn_raw,
        text_candidates.text_eccn,
        text_candidates.text_confidence,
        text_candidates.text_evidence,
        case
            when eccns.eccn is null or eccns.eccn = 'EAR99'
                then case when hs_listed.sku is not null then 'TEXT_AND_HS_LIST' else 'TEXT_ONLY' end
            when eccns.eccn_status = 'well_formed'
                and substr(eccns.eccn, 1, 2) != substr(text_candidates.text_eccn_entry, 1, 2)
                then 'OTHER_GROUP'
        end as divergence_level

    from eccns
    inner join text_candidates
        on eccns.sku = text_candidates.sku
    left join hs_listed
        on eccns.sku = hs_listed.sku

),

final as (

    select
        sku,
        'ECCN_TEXT_REVIEW' as check_code,
        'ECCN' as scheme,
        eccn_raw as declared_code,
        text_eccn as suggested_code,
        'The description reads like ' || text_eccn || ' (confidence '
        || cast(round(100 * text_confidence) as integer) || ' %) while the ECCN is '
        || coalesce(eccn_raw, 'missing')
        || case when divergence_level = 'TEXT_AND_HS_LIST' then ', and its HS code is on a dual-use review list' else '' end
        || ': confirm the classification against the entry (EAR Part 774 Supp. 1). ' || text_evidence as evidence,
        cast(null as string) as shipment_id,
        cast(null as integer) as line_no,
        divergence_level

    from compared
    where divergence_level is not null

)

select * from final
