{#- HS_UNKNOWN: a well-formed code that is no declarable line of the current edition,
    no line of an earlier edition (HS_OUTDATED) and no subdivided line written with zeros
    (HS_NOT_DECLARABLE). The evidence names the nearest line that does exist. -#}

with

codes as (

    select sku, scheme, declared_code_raw, declared_code
    from {{ ref('int_product_codes_normalised') }}
    where code_status = 'well_formed'

),

lines as (

    select scheme, edition, code, code_display, full_description, is_declarable, declarable_code
    from {{ ref('int_tariff_lines_current') }}

),

explained as (

    select sku, scheme from {{ ref('int_flags_hs_not_declarable') }}
    union all
    select sku, scheme from {{ ref('int_flags_hs_outdated') }}

),

unknown_codes as (

    select codes.*
    from codes
    left join lines as declarable_lines
        on codes.scheme = declarable_lines.scheme
        and codes.declared_code = declarable_lines.declarable_code
        and declarable_lines.is_declarable
    left join explained
        on codes.sku = explained.sku
        and codes.scheme = explained.scheme
    where declarable_lines.declarable_code is null
        and explained.sku is null

),



{#- The 8-, 6- and 4-digit prefixes of each unknown code, one row each, so that the
    lookup below is an equality join (an IN list in the join condition made the
    database compare every unknown code with every line of its scheme). -#}
prefixes as (

    select distinct sku, scheme, declared_code, prefix
    from (
        select sku, scheme, declared_code, substr(declared_code, 1, 8) as prefix from unknown_codes
        union all
        select sku, scheme, declared_code, substr(declared_code, 1, 6) as prefix from unknown_codes
        union all
        select sku, scheme, declared_code, substr(declared_code, 1, 4) as prefix from unknown_codes
    ) as all_prefixes

),

nearest_existing as (

    select
        prefixes.sku,
        prefixes.scheme,
        lines.code_display,
        lines.full_description,
        row_number() over (
            partition by prefixes.sku, prefixes.scheme order by length(lines.code) desc
        ) as nearness

    from prefixes
    inner join lines
        on prefixes.scheme = lines.scheme
        and lines.code = prefixes.prefix
        and lines.code != prefixes.declared_code

),

editions as (

    select scheme, max(edition) as edition
    from lines
    group by scheme

),

final as (

    select
        unknown_codes.sku,
        'HS_UNKNOWN' as check_code,
        unknown_codes.scheme,
        unknown_codes.declared_code_raw as declared_code,
        cast(null as string) as suggested_code,
        unknown_codes.scheme || ' ' || editions.edition || ' has no line '
        || case when unknown_codes.scheme = 'HTSUS'
                then {{ format_hts('unknown_codes.declared_code') }}
            else unknown_codes.declared_code
        end
        || '. '
        || coalesce(
            'Nearest existing line: ' || nearest_existing.code_display || ' ('
            || nearest_existing.full_description || ').',
            'Not even its heading ' || substr(unknown_codes.declared_code, 1, 4) || ' exists.'
        ) as evidence,
        cast(null as string) as shipment_id,
        cast(null as integer) as line_no

    from unknown_codes
    inner join editions
        on unknown_codes.scheme = editions.scheme
    left join nearest_existing
        on unknown_codes.sku = nearest_existing.sku
        and unknown_codes.scheme = nearest_existing.scheme
        and nearest_existing.nearness = 1

)

select * from final
