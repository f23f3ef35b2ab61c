{{ config(materialized='reusable_table') }}

{#- Correlation evidence: a product whose declared code is a line of an earlier
    edition only (HS_OUTDATED) gets the line(s) the official change tables map it to
    (HTS10 revision concordance, UNSD HS 2017/2022 correlation) as candidates:

        correlation_score = var candidates_weight_correlation (1.0) / number of current
                            declarable lines the old code maps to

    so a 1:1 change weighs fully and each line of a split shares the weight (the text
    and precedents decide between them). One row per product variant and line. -#}

with

variants as (

    select distinct variant_key, scheme, outdated_code
    from {{ ref('int_candidate_variants') }}
    where outdated_code is not null

),

current_declarable as (

    select scheme, declarable_code
    from {{ ref('int_tariff_lines_current') }}
    where is_declarable

),

changes as (

    select distinct changes.scheme, changes.from_code, changes.to_code, changes.source
    from {{ ref('int_tariff_changes_unioned') }} as changes
    inner join current_declarable
        on changes.scheme = current_declarable.scheme
        and changes.to_code = current_declarable.declarable_code
    where changes.from_code is not null

),

mapped as (

    select
        variants.variant_key,
        variants.scheme,
        variants.outdated_code as from_code,
        changes.to_code as candidate_code,
        changes.source as change_source,
        count(*) over (partition by variants.variant_key) as replacement_count
    from variants
    inner join changes
        on variants.scheme = changes.scheme
        and variants.outdated_code = changes.from_code

),

final as (

    select
        variant_key,
        scheme,
        candidate_code,
        from_code,
        change_source,
        replacement_count,
        round({{ var('candidates_weight_correlation', 1.0) }} / replacement_count, 6) as correlation_score
    from mapped

)

select * from final
