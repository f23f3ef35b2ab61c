{#- HS_NOT_DECLARABLE (GRI 6): a well-formed code that is no declarable line of the
    current edition but a subdivided line written with trailing zeros (0101.21.00 ->
    0101.21.0000 when only .0010 and .0020 exist; CN 8471 -> 84710000). The evidence
    lists the declarable lines below it. Codes that were declarable in an earlier
    edition are HS_OUTDATED instead. -#}

with

codes as (

    select sku, scheme, expected_length, declared_code_raw, declared_code
    from {{ ref('int_product_codes_normalised') }}
    where code_status = 'well_formed'

),

lines as (

    select
        scheme, code, code_display, description, full_description, is_declarable, is_product_line,
        declarable_code
    from {{ ref('int_tariff_lines_current') }}

),

outdated_flags as (

    select sku, scheme from {{ ref('int_flags_hs_outdated') }}

),

declarable_lines as (

    select scheme, declarable_code, code_display, description
    from lines
    where is_declarable

),

subdivided_lines as (

    select scheme, code, code_display, full_description
    from lines
    where not is_declarable
        and is_product_line

),

codes_not_declarable as (

    select codes.*
    from codes
    left join declarable_lines
        on codes.scheme = declarable_lines.scheme
        and codes.declared_code = declarable_lines.declarable_code
    left join outdated_flags
        on codes.sku = outdated_flags.sku
        and codes.scheme = outdated_flags.scheme
    where declarable_lines.declarable_code is null
        and outdated_flags.sku is null

),



{#- Each subdivided line padded with zeros to each code length declared in its scheme
    (equality joins below: padding inside the join condition made the database compare
    every code with every line of its scheme). -#}
padded_lines as (

    select
        subdivided_lines.*,
        code_lengths.expected_length,
        rpad(subdivided_lines.code, code_lengths.expected_length, '0') as padded_code
    from subdivided_lines
    inner join (select distinct scheme, expected_length from codes_not_declarable) as code_lengths
        on subdivided_lines.scheme = code_lengths.scheme

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
            partition by codes_not_declarable.sku, codes_not_declarable.scheme
            order by length(subdivided_lines.code) desc
        ) as specificity_rank

    from codes_not_declarable
    inner join padded_lines as subdivided_lines
        on codes_not_declarable.scheme = subdivided_lines.scheme
        and codes_not_declarable.expected_length = subdivided_lines.expected_length
        and codes_not_declarable.declared_code = subdivided_lines.padded_code

),

most_specific_match as (

    select * from padded_matches
    where specificity_rank = 1

),



{#- Declarable lines with their prefix of each length a matched line has (equality join
    below instead of comparing substrings of every declarable line). -#}
declarable_prefixes as (

    select
        declarable_lines.*,
        line_lengths.prefix_length,
        substr(declarable_lines.declarable_code, 1, line_lengths.prefix_length) as prefix
    from declarable_lines
    inner join (
        select distinct scheme, length(line_code) as prefix_length from most_specific_match
    ) as line_lengths
        on declarable_lines.scheme = line_lengths.scheme

),

children as (

    select
        most_specific_match.sku,
        most_specific_match.scheme,
        count(*) as child_count,
        min(declarable_lines.declarable_code) as first_child,
        {{ dbt.listagg(
            "declarable_lines.code_display || ' (' || declarable_lines.description || ')'",
            "', '",
            "order by declarable_lines.declarable_code",
            var('max_children_listed')
        ) }} as children_listed

    from most_specific_match
    inner join declarable_prefixes as declarable_lines
        on most_specific_match.scheme = declarable_lines.scheme
        and length(most_specific_match.line_code) = declarable_lines.prefix_length
        and most_specific_match.line_code = declarable_lines.prefix
    group by most_specific_match.sku, most_specific_match.scheme

),

final as (

    select
        most_specific_match.sku,
        'HS_NOT_DECLARABLE' as check_code,
        most_specific_match.scheme,
        most_specific_match.declared_code_raw as declared_code,
        case when children.child_count = 1 then children.first_child end as suggested_code,
        most_specific_match.scheme || ' '
        || case when most_specific_match.scheme = 'HTSUS'
                then {{ format_hts('most_specific_match.declared_code') }}
            else most_specific_match.declared_code
        end
        || ' is line ' || most_specific_match.line_code_display
        || ' written with zeros, and that line is subdivided ('
        || most_specific_match.line_full_description
        || '). GRI 6: declare the most specific line; its '
        || cast(children.child_count as string) || ' declarable line(s): '
        || children.children_listed
        || case when children.child_count > {{ var('max_children_listed') }} then ', ...' else '' end
        || '.' as evidence,
        cast(null as string) as shipment_id,
        cast(null as integer) as line_no

    from most_specific_match
    inner join children
        on most_specific_match.sku = children.sku
        and most_specific_match.scheme = children.scheme

)

select * from final
