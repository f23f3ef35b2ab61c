{#- HS_MALFORMED: characters other than digits after removing separators, or the wrong
    number of digits. A code one digit short whose zero-padded form is a declarable line
    most likely lost its leading zero in a spreadsheet (101210000 for 0101.21.0000): that
    line is suggested, but nothing is changed silently. -#}

with

codes as (

    select sku, scheme, expected_length, declared_code_raw, declared_code, code_status
    from {{ ref('int_product_codes_normalised') }}
    where code_status in ('malformed_characters', 'malformed_length')

),

current_declarable as (

    select scheme, declarable_code
    from {{ ref('int_tariff_lines_current') }}
    where is_declarable

),

final as (

    select
        codes.sku,
        'HS_MALFORMED' as check_code,
        codes.scheme,
        codes.declared_code_raw as declared_code,
        current_declarable.declarable_code as suggested_code,
        case codes.code_status
            when 'malformed_characters'
                then
                    codes.scheme || ' code ''' || codes.declared_code_raw || ''' contains characters other than digits '
                    || 'after removing dots, spaces and dashes; nothing is guessed (the letter O is not a zero).'
            else
                codes.scheme || ' code ''' || codes.declared_code_raw || ''' has '
                || cast(length(codes.declared_code) as string)
                || ' digits; ' || codes.scheme || ' codes have ' || cast(codes.expected_length as string) || '.'
                || case when current_declarable.declarable_code is not null
                        then ' With its leading zero restored it is the declarable line '
                            || current_declarable.declarable_code
                            || ': the zero was probably lost when the code was stored as a number.'
                    else ''
                end
        end as evidence,
        cast(null as string) as shipment_id,
        cast(null as integer) as line_no

    from codes
    left join current_declarable
        on codes.scheme = current_declarable.scheme
        and codes.code_status = 'malformed_length'
        and length(codes.declared_code) = codes.expected_length - 1
        and '0' || codes.declared_code = current_declarable.declarable_code

)

select * from final
