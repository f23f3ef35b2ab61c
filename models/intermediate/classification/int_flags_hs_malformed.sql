with

codes as (

    select sku, scheme, expected_length, declared_code_raw, declared_code, code_status
    from {{ ref('int_product_codes_normalised') }}

),

final as (

    select
        sku,
        'HS_MALFORMED' as check_code,
        scheme,
        declared_code_raw as declared_code,
        cast(null as varchar) as suggested_code,
        case code_status
            when 'malformed_characters' then
                scheme || ' code ''' || declared_code_raw || ''' contains characters other than digits '
                || 'after removing dots, spaces and dashes; nothing is guessed (the letter O is not a zero).'
            else
                scheme || ' code ''' || declared_code_raw || ''' has ' || cast(length(declared_code) as varchar)
                || ' digits; ' || scheme || ' codes have ' || cast(expected_length as varchar) || '.'
        end as evidence,
        cast(null as varchar) as shipment_id

    from codes
    where code_status in ('malformed_characters', 'malformed_length')

)

select * from final
