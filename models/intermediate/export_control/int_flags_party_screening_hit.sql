with

lines as (

    select shipment_id, line_no, sku, eccn, end_user
    from {{ ref('int_shipment_lines_classified') }}
    where end_user is not null

),

matches as (

    select * from {{ ref('int_party_screening_matches') }}

),

final as (

    select
        lines.sku,
        'PARTY_SCREENING_HIT' as check_code,
        'ECCN' as scheme,
        lines.eccn as declared_code,
        cast(null as varchar) as suggested_code,
        case when matches.match_kind = 'exact' then 'Exact' else 'Near' end || ' match: end user "' || lines.end_user || '" ~ "'
        || matches.matched_name || '" (' || matches.list_name || ', entry ' || matches.entry_id
        || coalesce(', ' || matches.countries, '') || ', similarity '
        || cast(round(matches.similarity, 3) as varchar)
        || '; Consolidated Screening List 2026-07-31). Stop and review before shipping.' as evidence,
        lines.shipment_id,
        lines.line_no

    from lines
    inner join matches
        on lines.end_user = matches.end_user

)

select * from final
