-- The acceptance cases of licence determination, run through the same macro as the
-- nightly mart over the REAL Commerce Control List, Country Chart and Country Groups:
-- EAR99 -> DE NLR; 5A992 -> CN NLR; 5A002 -> CN licence (NS1); 3A001 -> CN licence;
-- anything -> IR embargoed; 5A002 -> CN with ENC recorded, not flagged.
with

examples as (

    select
        line_id, eccn, destination_country, license_exception, expected_decision, expected_flag,
        cast(null as varchar) as hs6
    from {{ ref('license_determination_examples') }}

),

checks as (

    {{ license_requirement_checks('examples') }}

),

per_line as (

    select
        line_id,
        max(case when line_decision in ('license_required', 'license_required_paragraph_dependent')
                then 1
            else 0
        end) as required
    from checks
    group by line_id

),

embargoed as (

    select distinct country_code from {{ ref('stg_ear__country_chart') }}
    where is_embargoed

),

decided as (

    select
        examples.*,
        case
            when embargoed.country_code is not null then 'embargoed'
            when examples.eccn = 'EAR99' then 'nlr'
            when per_line.required = 1 then 'license_required'
            else 'nlr'
        end as decision

    from examples
    left join per_line on examples.line_id = per_line.line_id
    left join embargoed on examples.destination_country = embargoed.country_code

)

select *
from decided
where decision != expected_decision
    or (
        (decision in ('license_required', 'embargoed') and (license_exception is null or decision = 'embargoed'))
        != expected_flag
    )
