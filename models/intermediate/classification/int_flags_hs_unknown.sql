{#- HS_UNKNOWN: a well-formed HTSUS code that is neither a declarable line of the
    current edition nor a subdivided line written with zeros (HS_NOT_DECLARABLE). The
    evidence names the nearest line that does exist, to start the search from. -#}

with

codes as (

    select sku, scheme, declared_code_raw, declared_code
    from {{ ref('int_product_codes_normalised') }}
    where code_status = 'well_formed'
        and scheme = 'HTSUS'

),

lines as (

    select code, code_display, full_description, is_declarable, reporting_code
    from {{ ref('int_tariff_lines_unioned') }}
    where scheme = 'HTSUS'
        and edition = '{{ var("hts_edition") }}'

),

not_declarable_flags as (

    select sku from {{ ref('int_flags_hs_not_declarable') }}

),

unknown_codes as (

    select codes.*
    from codes
    left join lines as declarable_lines
        on codes.declared_code = declarable_lines.reporting_code
        and declarable_lines.is_declarable
    left join not_declarable_flags
        on codes.sku = not_declarable_flags.sku
    where declarable_lines.reporting_code is null
        and not_declarable_flags.sku is null

),

nearest_existing as (

    select
        unknown_codes.sku,
        lines.code_display,
        lines.full_description,
        row_number() over (partition by unknown_codes.sku order by length(lines.code) desc) as nearness

    from unknown_codes
    inner join lines
        on lines.code in (
            substr(unknown_codes.declared_code, 1, 8),
            substr(unknown_codes.declared_code, 1, 6),
            substr(unknown_codes.declared_code, 1, 4)
        )

),

final as (

    select
        unknown_codes.sku,
        'HS_UNKNOWN' as check_code,
        unknown_codes.scheme,
        unknown_codes.declared_code_raw as declared_code,
        cast(null as varchar) as suggested_code,
        'HTSUS {{ var("hts_edition") }} has no line ' || {{ format_hts('unknown_codes.declared_code') }} || '. '
            || coalesce(
                'Nearest existing line: ' || nearest_existing.code_display || ' ('
                    || nearest_existing.full_description || ').',
                'Not even its heading ' || substr(unknown_codes.declared_code, 1, 4) || ' exists.'
            ) as evidence,
        cast(null as varchar) as shipment_id

    from unknown_codes
    left join nearest_existing
        on unknown_codes.sku = nearest_existing.sku
        and nearest_existing.nearness = 1

)

select * from final
