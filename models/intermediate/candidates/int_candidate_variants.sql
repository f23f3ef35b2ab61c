{{ config(materialized='reusable_table') }}

{#- One row per product and scheme: the "variant" its candidates depend on. A variant
    is the description's text_key, the scheme, the product's own declared code when it
    is a candidate line (its own peer group counts one member less: a product is never
    evidence for itself), its declared code when that is a line of an earlier edition
    only (int_candidate_corrections maps it forward) and, with var candidates_exclude_self_rulings (leave-one-out
    evaluation, where the rulings are the products), the ruling whose id is the SKU
    (never evidence for itself). Products sharing a variant are scored once. -#}

with

schemes as (

    select distinct scheme from {{ ref('int_candidate_tariff_lines') }}

),

candidate_codes as (

    select scheme, candidate_code from {{ ref('int_candidate_tariff_lines') }}

),

products as (

    select sku, text_key from {{ ref('int_candidate_queries') }}

),

declared as (

    select sku, scheme as declared_scheme, declared_code
    from {{ ref('int_product_codes_normalised') }}
    where code_status = 'well_formed'

),

own_codes as (

    select distinct
        declared.sku, schemes.scheme,
        case when declared.declared_scheme = schemes.scheme then declared.declared_code
            else substr(declared.declared_code, 1, 6)
        end as own_code
    from declared
    inner join schemes
        on declared.declared_scheme = schemes.scheme
        or (schemes.scheme = 'HS' and declared.declared_scheme != 'HS')

),

own_peer_codes as (

    select own_codes.sku, own_codes.scheme, min(own_codes.own_code) as own_code
    from own_codes
    inner join candidate_codes
        on own_codes.scheme = candidate_codes.scheme
        and own_codes.own_code = candidate_codes.candidate_code
    group by own_codes.sku, own_codes.scheme

),

current_declarable as (

    select scheme, declarable_code
    from {{ ref('int_tariff_lines_current') }}
    where is_declarable

),

-- a declared code that is a line of an earlier edition only (HS_OUTDATED): the
-- correlation tables point from it (int_candidate_corrections)
outdated_codes as (

    select declared.sku, declared.declared_scheme as scheme, min(declared.declared_code) as outdated_code
    from declared
    inner join {{ ref('int_tariff_lines_superseded') }} as superseded
        on declared.declared_scheme = superseded.scheme
        and declared.declared_code = superseded.declarable_code
    left join current_declarable
        on declared.declared_scheme = current_declarable.scheme
        and declared.declared_code = current_declarable.declarable_code
    where current_declarable.declarable_code is null
    group by declared.sku, declared.declared_scheme

),

self_rulings as (

    {%- if var('candidates_exclude_self_rulings', false) %}
    select ruling_id from {{ ref('stg_rulings__rulings') }}
    {%- else %}
    select ruling_id from {{ ref('stg_rulings__rulings') }}
    where 1 = 0
    {%- endif %}

),

product_variants as (

    select
        products.sku,
        products.text_key,
        schemes.scheme,
        own_peer_codes.own_code,
        outdated_codes.outdated_code,
        self_rulings.ruling_id as self_ruling_id,
        dense_rank() over (
            order by
                products.text_key, schemes.scheme, own_peer_codes.own_code,
                outdated_codes.outdated_code, self_rulings.ruling_id
        ) as variant_key
    from products
    cross join schemes
    left join own_peer_codes
        on products.sku = own_peer_codes.sku
        and schemes.scheme = own_peer_codes.scheme
    left join outdated_codes
        on products.sku = outdated_codes.sku
        and schemes.scheme = outdated_codes.scheme
    left join self_rulings
        on products.sku = self_rulings.ruling_id

),

final as (

    select sku, scheme, text_key, own_code, outdated_code, self_ruling_id, variant_key
    from product_variants

)

select * from final
