{#- HS_NOT_DECLARABLE (GRI 6): a well-formed HTSUS code that is not a declarable line
    but is a subdivided line written with trailing zeros (0101.21.00 -> 0101.21.0000 when
    only .0010 and .0020 exist). The evidence lists the declarable lines below it. -#}

with

codes as (

    select sku, scheme, declared_code_raw, declared_code
    from {{ ref('int_product_codes_normalised') }}
    where code_status = 'well_formed'
        and scheme = 'HTSUS'

),

lines as (

    select code, code_display, description, full_description, is_declarable, reporting_code
    from {{ ref('int_tariff_lines_unioned') }}
    where scheme = 'HTSUS'
        and edition = '{{ var("hts_edition") }}'

),

declarable_lines as (

    select reporting_code, description
    from lines
    where is_declarable

),

subdivided_lines as (

    select code, code_display, full_description
    from lines
    where not is_declarable
        and substr(code, 1, 2) != '99'

),

codes_not_declarable as (

    select codes.*
    from codes
    left join declarable_lines
        on codes.declared_code = declarable_lines.reporting_code
    where declarable_lines.reporting_code is null

),

padded_matches as (

    select
        codes_not_declarable.sku,
        codes_not_declarable.scheme,
        codes_not_declarable.declared_code_raw,
        codes_not_declarable.declared_code,
        subdivided_lines.code as line_code,
        subdivided_lines.code_display as line_code_display,
        subdivided_lines.full_description as line_full_description,
        row_number() over (
            partition by codes_not_declarable.sku
            order by length(subdivided_lines.code) desc
        ) as specificity_rank

    from codes_not_declarable
    inner join subdivided_lines
        on codes_not_declarable.declared_code = rpad(subdivided_lines.code, 10, '0')

),

most_specific_match as (

    select * from padded_matches
    where specificity_rank = 1

),

children as (

    select
        most_specific_match.sku,
        count(*) as child_count,
        min(declarable_lines.reporting_code) as first_child,
        {{ dbt.listagg(
            format_hts('declarable_lines.reporting_code') ~ " || ' (' || declarable_lines.description || ')'",
            "', '",
            "order by declarable_lines.reporting_code",
            var('max_children_listed')
        ) }} as children_listed

    from most_specific_match
    inner join declarable_lines
        on substr(declarable_lines.reporting_code, 1, length(most_specific_match.line_code))
            = most_specific_match.line_code
    group by most_specific_match.sku

),

final as (

    select
        most_specific_match.sku,
        'HS_NOT_DECLARABLE' as check_code,
        most_specific_match.scheme,
        most_specific_match.declared_code_raw as declared_code,
        case when children.child_count = 1 then children.first_child end as suggested_code,
        'HTSUS ' || {{ format_hts('most_specific_match.declared_code') }}
            || ' is line ' || most_specific_match.line_code_display
            || ' written with zeros, and that line is subdivided ('
            || most_specific_match.line_full_description
            || '). GRI 6: declare the most specific line; its '
            || cast(children.child_count as varchar) || ' declarable line(s): '
            || children.children_listed
            || case when children.child_count > {{ var('max_children_listed') }} then ', ...' else '' end
            || '.' as evidence,
        cast(null as varchar) as shipment_id

    from most_specific_match
    inner join children
        on most_specific_match.sku = children.sku

)

select * from final
