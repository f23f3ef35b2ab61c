{#- Bins are 5 points wide on the risk model's 0-100 scale (at most 20 bars); a larger
    maximum doubles the width until there are at most 20 again. -#}
with

risk as (
    select risk_score
    from {{ ref('fct_product_risk') }}
    where risk_score is not null
),

top_score as (
    select max(risk_score) as top_score
    from risk
),

widths as (
    {% for doubling in range(0, 48) -%}
    select {{ 5 * 2 ** doubling }}.0 as bin_width
    {% if not loop.last %}union all
    {% endif %}
    {%- endfor %}
),

chosen_width as (
    select
        top_score.top_score,
        min(widths.bin_width) as bin_width
    from top_score
    cross join widths
    where top_score.top_score is not null and top_score.top_score / widths.bin_width <= 20
    group by top_score.top_score
),

binned as (
    select
        chosen_width.bin_width,
        least(
            floor(risk.risk_score / chosen_width.bin_width),
            greatest(ceil(chosen_width.top_score / chosen_width.bin_width) - 1, 0)
        ) as bin_number
    from risk
    cross join chosen_width
),

counted as (
    select
        bin_width,
        bin_number,
        count(*) as products
    from binned
    group by bin_width, bin_number
),

final as (
    select
        cast(bin_number * bin_width as double) as bin_start,
        cast((bin_number + 1) * bin_width as double) as bin_end,
        products,
        {{ hsguard_run_id() }} as run_id
    from counted
)

select * from final
