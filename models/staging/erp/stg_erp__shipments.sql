with

source as (

    select * from {{ source('erp', 'erp_shipments') }}

),

renamed as (

    select
        shipment_id,
        line_no,
        sku,
        destination_country,
        ship_date,
        quantity,
        value_usd,
        license_ref,
        license_exception,
        end_user,
        _row_number as source_row_number,
        _source_file as source_file,
        _run_id as run_id

    from source

)

select * from renamed
