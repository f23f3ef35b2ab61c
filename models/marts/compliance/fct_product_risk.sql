{#- An explainable risk score per product (one row per SKU of dim_products):

        risk_score = min(100, severity_points x exposure_multiplier x destination_multiplier)

    over the product's OPEN flags (not overridden); 0 when it has none. Every factor is a
    column, so a reviewer can recompute the score by hand. Formula and rationale:
    docs/RISK.md and the model YAML. -#}

{#- Points per open flag, by severity (unknown severities count as 'info'). -#}
{%- set severity_points = {'critical': 50, 'high': 30, 'medium': 12, 'low': 4, 'info': 1} %}
{#- Destination factor by the strictest EAR Country Group tier the country is in. -#}
{%- set destination_factors = {'E': 2.0, 'D': 1.5, 'unlisted': 1.25, 'other': 1.1, 'A:1': 1.0} %}
{%- set band_high = 50 %}
{%- set band_medium = 25 %}

with

products as (

    select sku, unit_value_usd
    from {{ ref('dim_products') }}

),

flags as (

    select
        sku, check_code, scheme, severity, severity_rank, title, is_overridden,
        case lower(severity)
            {%- for severity, points in severity_points.items() %}
            when '{{ severity }}' then {{ points }}
            {%- endfor %}
            else {{ severity_points['info'] }}
        end as severity_points
    from {{ ref('fct_classification_flags') }}

),

flag_counts as (

    select
        sku,
        count(*) filter (where not is_overridden) as open_flags,
        count(*) filter (where is_overridden) as overridden_flags,
        coalesce(sum(severity_points) filter (where not is_overridden), 0) as severity_points

    from flags
    group by sku

),

{#- One reason per check and scheme (a shipment check can flag many lines of one product). -#}
reasons as (

    select
        sku,
        check_code,
        scheme,
        max(severity_rank) as severity_rank,
        {{ hsguard.value_at_max('severity', 'severity_rank') }} as severity,
        any_value(title) as title,
        count(*) as flags

    from flags
    where not is_overridden
    group by sku, check_code, scheme

),

ranked_reasons as (

    select
        sku,
        (
            severity || ' ' || check_code || ' (' || scheme || '): ' || coalesce(title, check_code)
            || case when flags > 1 then ' [' || flags || ' flags]' else '' end
        ) as reason,
        row_number() over (
            partition by sku order by severity_rank desc nulls last, flags desc, check_code, scheme
        ) as reason_rank

    from reasons

),

top_reasons as (

    select sku, {{ hsguard.ordered_list('reason', 'reason_rank') }} as top_reasons
    from ranked_reasons
    where reason_rank <= 3
    group by sku

),

destination_tiers as (

    select
        country_code,
        case
            when bool_or(country_group in ('E:1', 'E:2')) then 'E'
            when bool_or(country_group like 'D:%') then 'D'
            when bool_or(country_group = 'A:1') then 'A:1'
            else 'other'
        end as destination_tier

    from {{ ref('dim_country_groups') }}
    group by country_code

),

shipments as (

    select
        shipments.sku,
        shipments.destination_country,
        coalesce(shipments.value_usd, 0) as value_usd,
        coalesce(destination_tiers.destination_tier, 'unlisted') as destination_tier

    from {{ ref('stg_erp__shipments') }} as shipments
    left join destination_tiers
        on shipments.destination_country = destination_tiers.country_code

),

shipment_factors as (

    select
        *,
        case destination_tier
            {%- for tier, factor in destination_factors.items() %}
            when '{{ tier }}' then {{ factor }}
            {%- endfor %}
        end as destination_factor

    from shipments

),

product_shipments as (

    select
        sku,
        count(*) as shipments,
        sum(value_usd) as shipment_value_usd,
        -- value-weighted mean factor; unweighted when no line carries a value
        coalesce(
            sum(value_usd * destination_factor) / nullif(sum(value_usd), 0),
            avg(destination_factor)
        ) as destination_multiplier,
        {%- set riskiest_first = [('destination_factor', 'desc'), ('value_usd', 'desc'), ('destination_country', 'asc')] %}
        {{ hsguard.first_ordered('destination_country', riskiest_first) }} as riskiest_destination,
        {{ hsguard.first_ordered('destination_tier', riskiest_first) }} as riskiest_destination_tier

    from shipment_factors
    group by sku

),

scored as (

    select
        products.sku,
        coalesce(flag_counts.open_flags, 0) as open_flags,
        coalesce(flag_counts.overridden_flags, 0) as overridden_flags,
        coalesce(flag_counts.severity_points, 0) as severity_points,
        coalesce(product_shipments.shipments, 0) as shipments,
        case
            when product_shipments.shipments > 0 and product_shipments.shipment_value_usd > 0
                then product_shipments.shipment_value_usd
            else coalesce(products.unit_value_usd, 0)
        end as trade_value_usd,
        product_shipments.riskiest_destination,
        product_shipments.riskiest_destination_tier,
        coalesce(product_shipments.destination_multiplier, 1.0) as destination_multiplier,
        top_reasons.top_reasons

    from products
    left join flag_counts
        on products.sku = flag_counts.sku
    left join product_shipments
        on products.sku = product_shipments.sku
    left join top_reasons
        on products.sku = top_reasons.sku

),

factored as (

    select
        *,
        -- 0.5 at $1,000 or less, +0.25 per tenfold, 1.5 at $10 million or more
        round(0.5 + least(greatest((log10(1 + trade_value_usd) - 3) / 4, 0), 1), 4) as exposure_multiplier,
        round(destination_multiplier, 4) as destination_multiplier_rounded

    from scored

),

risk as (

    select
        *,
        case
            when open_flags = 0 then 0
            else least(100, round(severity_points * exposure_multiplier * destination_multiplier_rounded, 1))
        end as risk_score

    from factored

),

final as (

    select
        sku,
        cast(risk_score as double) as risk_score,
        case
            when open_flags = 0 then 'none'
            when risk_score >= {{ band_high }} then 'high'
            when risk_score >= {{ band_medium }} then 'medium'
            else 'low'
        end as risk_band,
        coalesce(top_reasons, {{ hsguard.text_list([]) }}) as top_reasons,
        cast(open_flags as integer) as open_flags,
        cast(overridden_flags as integer) as overridden_flags,
        cast(severity_points as integer) as severity_points,
        cast(trade_value_usd as double) as trade_value_usd,
        cast(case when open_flags > 0 then trade_value_usd else 0 end as double) as trade_value_exposed_usd,
        cast(exposure_multiplier as double) as exposure_multiplier,
        cast(shipments as integer) as shipments,
        riskiest_destination,
        riskiest_destination_tier,
        cast(destination_multiplier_rounded as double) as destination_multiplier,
        '{{ env_var("HSGUARD_RUN_ID", "manual") }}' as run_id

    from risk

)

select * from final
