{#- HS_OUTDATED: a well-formed code that is no declarable line of the current edition
    but was one in an earlier edition. Replacements come from the official change
    tables (HTS10 revision concordance, UNSD HS correlation); a 1:1 change is suggested,
    a split or merge is listed for a human to choose. -#}

with

codes as (

    select sku, scheme, declared_code_raw, declared_code
    from {{ ref('int_product_codes_normalised') }}
    where code_status = 'well_formed'

),

current_declarable as (

    select scheme, declarable_code
    from {{ ref('int_tariff_lines_current') }}
    where is_declarable

),

superseded as (

    select scheme, edition, declarable_code, full_description
    from {{ ref('int_tariff_lines_superseded') }}

),

changes as (

    select scheme, from_code, to_code, relationship, change_type, source
    from {{ ref('int_tariff_changes_unioned') }}
    where from_code is not null
        and to_code is not null

),

outdated as (

    select
        codes.sku,
        codes.scheme,
        codes.declared_code_raw,
        codes.declared_code,
        max(superseded.edition) as last_edition,
        max(superseded.full_description) as old_description

    from codes
    inner join superseded
        on codes.scheme = superseded.scheme
        and codes.declared_code = superseded.declarable_code
    left join current_declarable
        on codes.scheme = current_declarable.scheme
        and codes.declared_code = current_declarable.declarable_code
    where current_declarable.declarable_code is null
    group by codes.sku, codes.scheme, codes.declared_code_raw, codes.declared_code

),

replacements as (

    select
        outdated.sku,
        count(distinct changes.to_code) as replacement_count,
        min(changes.to_code) as first_replacement,
        max(changes.relationship) as relationship,
        max(changes.source) as change_source,
        {{ dbt.listagg('distinct changes.to_code', "', '", "order by changes.to_code") }} as replacements_listed

    from outdated
    inner join changes
        on outdated.scheme = changes.scheme
        and outdated.declared_code = changes.from_code
    inner join current_declarable
        on changes.scheme = current_declarable.scheme
        and changes.to_code = current_declarable.declarable_code
    group by outdated.sku

),

final as (

    select
        outdated.sku,
        'HS_OUTDATED' as check_code,
        outdated.scheme,
        outdated.declared_code_raw as declared_code,
        case when replacements.replacement_count = 1 then replacements.first_replacement end as suggested_code,
        outdated.scheme || ' ' || outdated.declared_code || ' was a line of the ' || outdated.last_edition
        || ' edition (' || outdated.old_description || ') and is not a declarable line of the current edition. '
        || case
            when replacements.replacement_count = 1
                then
                    'The ' || replacements.change_source || ' maps it 1:1 to ' || replacements.first_replacement || '.'
            when replacements.replacement_count > 1
                then
                    'The ' || replacements.change_source || ' splits it (' || replacements.relationship
                    || ') into ' || replacements.replacements_listed || ': a human must choose (GRI 6).'
            else 'No bundled correlation table maps it; reclassify from the current edition.'
        end as evidence,
        cast(null as string) as shipment_id,
        cast(null as integer) as line_no

    from outdated
    left join replacements
        on outdated.sku = replacements.sku

)

select * from final
