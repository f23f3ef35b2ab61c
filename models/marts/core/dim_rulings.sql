with

rulings as (

    select * from {{ ref('int_rulings_gri_parsed') }}

),

final as (

    select
        ruling_id,
        authority,
        issued_date,
        status,
        description,
        hts_code,
        {{ format_hts('hts_code') }} as hts_code_display,
        cn_code,
        reasoning,
        gri_rules_cited,
        source_file,
        source_row_number

    from rulings

)

select * from final
