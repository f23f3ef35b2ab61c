{{ config(materialized='reusable_table') }}

{#- Classified examples that vote for codes:
      ruling: every active ruling, with its code mapped to each scheme (HTSUS: its HTS
              code; CN: its CN code, else the HS-6 part of its HTS code; HS: the first 6
              digits). A ruling's code may be outdated: it then votes through its prefix.
      peer:   products whose declared code is a candidate (declarable) line of the
              scheme's current edition (HS also from the first 6 digits of HTSUS/CN
              codes). Identical descriptions declaring the same code are one example
              with `members` products (and the smallest SKU as its id). Var
              candidates_peer_examples (default true) = false leaves them out: the
              k-fold evaluation, whose products are held-out rulings, uses training
              rulings as its only evidence. -#}

with

schemes as (

    select distinct scheme from {{ ref('int_candidate_tariff_lines') }}

),

candidate_codes as (

    select scheme, candidate_code from {{ ref('int_candidate_tariff_lines') }}

),

rulings as (

    select ruling_id, description, hts_code, cn_code
    from {{ ref('stg_rulings__rulings') }}
    where status = 'active'
        and description is not null

),

ruling_codes as (

    select
        'ruling' as example_type,
        rulings.ruling_id as example_id,
        schemes.scheme,
        case
            -- an 8-digit HTSUS line without statistical suffix is reported with 00
            when schemes.scheme = 'HTSUS' and length(rulings.hts_code) = 8 then rulings.hts_code || '00'
            when schemes.scheme = 'HTSUS' then rulings.hts_code
            when schemes.scheme = 'CN' then coalesce(rulings.cn_code, substr(rulings.hts_code, 1, 6))
            else substr(coalesce(rulings.hts_code, rulings.cn_code), 1, 6)
        end as code,
        texts.text_key,
        rulings.description,
        1 as members
    from rulings
    inner join {{ ref('int_candidate_texts') }} as texts
        on {{ text_fingerprint('rulings.description') }} = texts.fingerprint
    cross join schemes

),

products as (

    select products.sku, texts.text_key, products.description
    from {{ ref('int_products_classified') }} as products
    inner join {{ ref('int_candidate_texts') }} as texts
        on {{ text_fingerprint('products.description') }} = texts.fingerprint

),

declared as (

    select sku, scheme as declared_scheme, declared_code
    from {{ ref('int_product_codes_normalised') }}
    where code_status = 'well_formed'

),

peer_codes as (

    select
        products.sku,
        products.text_key,
        products.description,
        schemes.scheme,
        case when declared.declared_scheme = schemes.scheme then declared.declared_code
            else substr(declared.declared_code, 1, 6)
        end as code
    from declared
    inner join products
        on declared.sku = products.sku
    inner join schemes
        on declared.declared_scheme = schemes.scheme
        or (schemes.scheme = 'HS' and declared.declared_scheme != 'HS')

),

peer_members as (

    -- one declarable code per product and scheme (the smallest, as in
    -- int_candidate_variants, so that a product's own group is always known)
    select
        peer_codes.sku, peer_codes.scheme, peer_codes.text_key, min(peer_codes.description) as description,
        min(peer_codes.code) as code
    from peer_codes
    inner join candidate_codes
        on peer_codes.scheme = candidate_codes.scheme
        and peer_codes.code = candidate_codes.candidate_code
    group by peer_codes.sku, peer_codes.scheme, peer_codes.text_key

),

peers as (

    select
        'peer' as example_type,
        min(sku) as example_id,
        scheme,
        code,
        text_key,
        min(description) as description,
        count(*) as members
    from peer_members
    {%- if not var('candidates_peer_examples', true) %}
    where 1 = 0
    {%- endif %}
    group by scheme, code, text_key

),

final as (

    select * from ruling_codes
    where code is not null
        and length(code) >= 4
        and {{ is_all_digits('code') }}
    union all
    select * from peers

)

select * from final
