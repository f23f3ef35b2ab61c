{#- HS_RULING_CONFLICT: the declared HTSUS code differs from the code of the ruling the
    product references. `divergence_level` says where they part (chapter, heading,
    subheading, national, statistical); the severity per level is in the seed
    check_severity_levels. -#}

with

products as (

    select sku, ruling_ref
    from {{ ref('int_products_classified') }}
    where ruling_ref is not null

),

codes as (

    select sku, declared_code_raw, declared_code
    from {{ ref('int_product_codes_normalised') }}
    where scheme = 'HTSUS'
        and code_status = 'well_formed'

),

current_declarable as (

    select declarable_code
    from {{ ref('int_tariff_lines_current') }}
    where scheme = 'HTSUS'
        and is_declarable

),

rulings as (

    select ruling_id, status, hts_code, description
    from {{ ref('stg_rulings__rulings') }}
    where hts_code is not null

),

compared as (

    select
        products.sku,
        products.ruling_ref,
        codes.declared_code_raw,
        codes.declared_code,
        rulings.hts_code as ruling_code,
        rulings.description as ruling_description,
        case
            when substr(codes.declared_code, 1, 2) != substr(rulings.hts_code, 1, 2) then 'chapter'
            when substr(codes.declared_code, 1, 4) != substr(rulings.hts_code, 1, 4) then 'heading'
            when substr(codes.declared_code, 1, 6) != substr(rulings.hts_code, 1, 6) then 'subheading'
            when substr(codes.declared_code, 1, 8) != substr(rulings.hts_code, 1, 8) then 'national'
            when codes.declared_code != rpad(rulings.hts_code, 10, '0') then 'statistical'
        end as divergence_level

    from products
    inner join codes
        on products.sku = codes.sku
    inner join rulings
        on products.ruling_ref = rulings.ruling_id

),

final as (

    select
        compared.sku,
        'HS_RULING_CONFLICT' as check_code,
        'HTSUS' as scheme,
        compared.declared_code_raw as declared_code,
        -- suggest the ruling's code only when it is a declarable line of the current edition
        current_declarable.declarable_code as suggested_code,
        'The product cites ruling ' || compared.ruling_ref || ', which classifies "' || compared.ruling_description
        || '" under ' || {{ format_hts('compared.ruling_code') }} || '; the declared ' || compared.declared_code_raw
        || ' differs at the ' || compared.divergence_level || ' level.' as evidence,
        cast(null as string) as shipment_id,
        cast(null as integer) as line_no,
        compared.divergence_level

    from compared
    left join current_declarable
        on rpad(compared.ruling_code, 10, '0') = current_declarable.declarable_code
    where compared.divergence_level is not null

)

select * from final
