{#- ECCN_UNKNOWN: the base ECCN is not on the loaded CCL, or (where the entry's item text is
    bundled) the declared paragraph is reserved or not a paragraph of the entry
    (macro eccn_paragraph_checks, at any depth: 3A001.b.2.z), with the nearest existing
    paragraphs. -#}

with

eccns as (

    select sku, eccn_raw, eccn, base_eccn
    from {{ ref('int_product_eccns_normalised') }}
    where eccn_status = 'well_formed'
        and eccn != 'EAR99'

),

ccl as (

    select eccn from {{ ref('stg_ccl__eccns') }}

),

unknown_paragraphs as (

    {{ eccn_paragraph_checks('eccns') | indent(4) }}

),

not_on_ccl as (

    select
        eccns.sku,
        eccns.eccn_raw,
        'ECCN ' || eccns.base_eccn || ' is not on the Commerce Control List (EAR Part 774 Supp. 1, eCFR '
        || '2026-07-23) loaded for this run.' as evidence

    from eccns
    left join ccl
        on eccns.base_eccn = ccl.eccn
    where ccl.eccn is null

),

paragraph_unknown as (

    select
        eccns.sku,
        eccns.eccn_raw,
        'ECCN ' || eccns.eccn || ': paragraph .' || unknown_paragraphs.declared_paragraph || ' of '
        || eccns.base_eccn || ' is '
        || case
            when unknown_paragraphs.paragraph_status = 'reserved' then 'reserved'
            else 'not in the entry''s text (EAR Part 774 Supp. 1, eCFR 2026-07-23)'
        end
        || '; nearest existing paragraphs: ' || coalesce(unknown_paragraphs.entry_paragraphs, 'none')
        || '.' as evidence

    from eccns
    inner join unknown_paragraphs
        on eccns.eccn = unknown_paragraphs.eccn

),

unioned as (

    select * from not_on_ccl
    union all
    select * from paragraph_unknown

),

final as (

    select
        sku,
        'ECCN_UNKNOWN' as check_code,
        'ECCN' as scheme,
        eccn_raw as declared_code,
        cast(null as string) as suggested_code,
        evidence,
        cast(null as string) as shipment_id,
        cast(null as integer) as line_no

    from unioned

)

select * from final
