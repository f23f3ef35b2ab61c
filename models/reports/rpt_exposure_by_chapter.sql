{#- Trade value exposed per HS chapter (first two digits of the product's HTSUS code),
    chapters ranked by it; products without a valid HTSUS code form one group. -#}
with

risk as (
    select
        sku,
        trade_value_exposed_usd
    from {{ ref('fct_product_risk') }}
),

products as (
    select
        sku,
        hts_code
    from {{ ref('dim_products') }}
),

tariff_lines as (
    select
        code,
        description,
        edition,
        is_current_edition
    from {{ ref('dim_tariff_lines') }}
    where scheme = 'HS' and length(code) = 2
),

chapter_titles as (
    select
        code as chapter,
        description as chapter_title
    from (
        select
            code,
            description,
            row_number() over (
                partition by code
                order by coalesce(is_current_edition, false) desc, edition desc
            ) as title_rank
        from tariff_lines
    ) as ranked_titles
    where title_rank = 1
),

exposed_products as (
    select
        risk.sku,
        risk.trade_value_exposed_usd,
        left(products.hts_code, 2) as chapter,
        case
            when products.hts_code is null then 'no valid HTSUS code'
            else chapter_titles.chapter_title
        end as chapter_title
    from risk
    left join products on risk.sku = products.sku
    left join chapter_titles on left(products.hts_code, 2) = chapter_titles.chapter
    where risk.trade_value_exposed_usd > 0
),

per_chapter as (
    select
        chapter,
        max(chapter_title) as chapter_title,
        sum(trade_value_exposed_usd) as exposure_usd,
        count(*) as products
    from exposed_products
    group by chapter
),

final as (
    select
        row_number() over (order by exposure_usd desc, chapter nulls last) as exposure_rank,
        chapter,
        chapter_title,
        exposure_usd,
        products,
        {{ hsguard_run_id() }} as run_id
    from per_chapter
)

select * from final
