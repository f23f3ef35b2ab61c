{#- HS_RULING_INACTIVE: the ruling a product references is revoked, modified or not
    among the loaded rulings. -#}

with

products as (

    select sku, ruling_ref, hts_code_raw
    from {{ ref('int_products_classified') }}
    where ruling_ref is not null

),

rulings as (

    select ruling_id, status, authority
    from {{ ref('stg_rulings__rulings') }}

),

final as (

    select
        products.sku,
        'HS_RULING_INACTIVE' as check_code,
        'HTSUS' as scheme,
        products.hts_code_raw as declared_code,
        cast(null as string) as suggested_code,
        case
            when rulings.ruling_id is null
                then
                    'The product cites ruling ' || products.ruling_ref
                    || ', which is not among the loaded rulings; a classification cannot rest on a ruling '
                    || 'that cannot be produced.'
            else
                'The product cites ' || rulings.authority || ' ruling ' || products.ruling_ref
                || ', whose status is ' || rulings.status || '; only a ruling in force binds.'
        end as evidence,
        cast(null as string) as shipment_id,
        cast(null as integer) as line_no

    from products
    left join rulings
        on products.ruling_ref = rulings.ruling_id
    where rulings.ruling_id is null
        or rulings.status in ('revoked', 'modified')

)

select * from final
