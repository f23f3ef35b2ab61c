with

eccns as (

    select sku, eccn_raw, eccn_status
    from {{ ref('int_product_eccns_normalised') }}

),

final as (

    select
        sku,
        'ECCN_MALFORMED' as check_code,
        'ECCN' as scheme,
        eccn_raw as declared_code,
        cast(null as string) as suggested_code,
        '''' || eccn_raw || ''' is neither EAR99 nor an ECCN (a digit 0-9, a category letter A-E, '
        || 'three digits, then optional paragraphs such as .a.1).' as evidence,
        cast(null as string) as shipment_id,
        cast(null as integer) as line_no

    from eccns
    where eccn_status = 'malformed'

)

select * from final
