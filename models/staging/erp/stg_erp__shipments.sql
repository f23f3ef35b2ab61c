with

source as (

    select * from {{ source('erp', 'erp_shipments') }}

),

renamed as (

    select
        shipment_id,
        sku,
        upper(destination_country) as destination_country,
        {{ parse_date('ship_date') }} as ship_date,
        {{ parse_number('quantity') }} as quantity,
        {{ parse_number('value_usd') }} as value_usd,
        license_ref,
        license_exception,
        end_user,
        _row_number as source_row_number,
        _source_file as source_file,
        _run_id as run_id

    from source

)

select * from renamed
