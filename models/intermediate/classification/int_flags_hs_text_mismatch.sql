{#- HS_TEXT_MISMATCH: is the declared code plausible for this text? It is not when all hold:
      - the declared heading explains little of the description: its heading score is
        below var text_mismatch_max_heading_share of the best heading's
        (int_candidate_declared_support: the same GRI 1 heading score that chooses the
        candidates: heading text, the lines below it, the chapter title);
      - its chapter does not explain it either, on any one of three readings:
          the declared chapter's share (the words of the chapter's title and heading texts
          against the best chapter's) is below var text_mismatch_max_chapter_share;
          or no heading of the declared chapter reaches var
          text_mismatch_max_chapter_heading_share of the best heading's score (GRI 1: a
          chapter is a home for the goods when one of its headings is, not when its
          headings together share generic words such as "part" and "control");
          or the candidates are sure the goods are elsewhere: the rank-1 confidence is at
          least var text_mismatch_sure_confidence;
      - none of the product's top-k candidates (marts.fct_product_candidates) is in the
        declared code's chapter.
    The judgement is about the declared code, so it does not wait for the engine to be
    sure of the right one: when the rank-1 candidate is marked is_abstain, the flag says
    "needs expert", lists the candidates and suggests nothing; otherwise it suggests
    rank 1. A declared code close to its candidates (same chapter) is never flagged, so
    near misses are left to the analyst. The thresholds' defaults are the ones chosen on
    the training folds of `hsguard evaluate-candidates` (docs/EVALUATION.md). -#}

with

support as (

    select * from {{ ref('int_candidate_declared_support') }}
    where declared_heading_share < {{ var('text_mismatch_max_heading_share', 0.35) }}

),

candidates as (

    select sku, scheme, rank, candidate_code, candidate_code_display, confidence, is_abstain
    from {{ ref('fct_product_candidates') }}

),

same_chapter as (

    select distinct candidates.sku, candidates.scheme
    from candidates
    inner join support
        on candidates.sku = support.sku
        and candidates.scheme = support.scheme
        and substr(candidates.candidate_code, 1, 2) = substr(support.declared_code, 1, 2)

),

candidate_chapters as (

    select
        sku, scheme,
        {{ dbt.listagg('chapter_code', "', '", 'order by chapter_code') }} as chapters
    from (select distinct sku, scheme, substr(candidate_code, 1, 2) as chapter_code from candidates) as c
    group by sku, scheme

),

candidate_lists as (

    select
        sku, scheme,
        {{ dbt.listagg('candidate_code_display', "', '", 'order by rank') }} as codes
    from candidates
    group by sku, scheme

),

lines as (

    select scheme, declarable_code, code_display, full_description
    from {{ ref('int_tariff_lines_current') }}
    where is_declarable

),

products as (

    select sku, description from {{ ref('int_products_classified') }}

),

final as (

    select
        support.sku,
        'HS_TEXT_MISMATCH' as check_code,
        support.scheme,
        support.declared_code_raw as declared_code,
        case when not best.is_abstain then best.candidate_code end as suggested_code,
        'The description "' || substr(products.description, 1, 120)
        || case when length(products.description) > 120 then '..."' else '"' end
        || ' points away from the declared ' || support.scheme || ' ' || declared_line.code_display
        || ' ("' || declared_line.full_description || '"): its heading '
        || support.declared_heading_code || ' scores '
        || cast(cast(floor(100 * support.declared_heading_share) as integer) as string)
        || '% of the best-matching heading on the description''s words (GRI 1), its chapter '
        || cast(cast(floor(100 * support.declared_chapter_share) as integer) as string)
        || '% of the best chapter''s (its best heading '
        || cast(cast(floor(100 * coalesce(support.declared_chapter_best_heading_share, 0)) as integer) as string)
        || '% of the best heading''s), and none of the '
        || cast(candidate_counts.candidate_count as string) || ' best candidates is in chapter '
        || substr(support.declared_code, 1, 2) || ' (they are in chapter(s) ' || candidate_chapters.chapters
        || '). '
        || case
            when best.is_abstain
                then 'Needs expert: the candidates are not sure enough to suggest one (rank 1 '
                    || best.candidate_code_display || ' "' || best_line.full_description || '", confidence '
                    || cast(cast(round(100 * best.confidence) as integer) as string) || '%); candidates: '
                    || candidate_lists.codes || '.'
            else 'Best candidate: ' || best.candidate_code_display || ' ("'
                || best_line.full_description || '", confidence '
                || cast(cast(round(100 * best.confidence) as integer) as string) || '%).'
        end as evidence,
        cast(null as string) as shipment_id,
        cast(null as integer) as line_no

    from support
    inner join candidates as best
        on support.sku = best.sku
        and support.scheme = best.scheme
        and best.rank = 1
    inner join (
        select sku, scheme, count(*) as candidate_count from candidates
        group by sku, scheme
    ) as candidate_counts
        on support.sku = candidate_counts.sku
        and support.scheme = candidate_counts.scheme
    inner join candidate_chapters
        on support.sku = candidate_chapters.sku
        and support.scheme = candidate_chapters.scheme
    inner join candidate_lists
        on support.sku = candidate_lists.sku
        and support.scheme = candidate_lists.scheme
    left join same_chapter
        on support.sku = same_chapter.sku
        and support.scheme = same_chapter.scheme
    inner join lines as declared_line
        on support.scheme = declared_line.scheme
        and support.declared_code = declared_line.declarable_code
    left join lines as best_line
        on best.scheme = best_line.scheme
        and best.candidate_code = best_line.declarable_code
    left join products
        on support.sku = products.sku
    where same_chapter.sku is null
        and (
            support.declared_chapter_share < {{ var('text_mismatch_max_chapter_share', 0.2) }}
            or coalesce(support.declared_chapter_best_heading_share, 0)
            < {{ var('text_mismatch_max_chapter_heading_share', 0.25) }}
            or best.confidence >= {{ var('text_mismatch_sure_confidence', 0.6) }}
        )

)

select * from final
