{#- ECCN_HS_IMPLAUSIBLE: the ECCN's category and product group cannot describe goods
    of the product's HS chapter (seed eccn_hs_implausible_chapters, with its reasoning).
    Conservative: only hardware groups of the electronics-type categories are checked;
    software (D) and technology (E) never are. -#}

with

eccns as (

    select sku, eccn_raw, eccn, base_eccn, hs6
    from {{ ref('int_product_eccns_normalised') }}
    where eccn_status = 'well_formed'
        and eccn != 'EAR99'
        and hs6 is not null

),

rules as (

    select category, product_group, chapter_from, chapter_to, reasoning
    from {{ ref('eccn_hs_implausible_chapters') }}

),

final as (

    select
        eccns.sku,
        'ECCN_HS_IMPLAUSIBLE' as check_code,
        'ECCN' as scheme,
        eccns.eccn_raw as declared_code,
        cast(null as string) as suggested_code,
        'ECCN ' || eccns.eccn || ' (category ' || rules.category || ', product group ' || rules.product_group
        || ') on goods of HS chapter ' || substr(eccns.hs6, 1, 2) || ': ' || rules.reasoning as evidence,
        cast(null as string) as shipment_id,
        cast(null as integer) as line_no

    from eccns
    inner join rules
        on substr(eccns.base_eccn, 1, 1) = rules.category
        and substr(eccns.base_eccn, 2, 1) = rules.product_group
        and substr(eccns.hs6, 1, 2) between rules.chapter_from and rules.chapter_to

)

select * from final
