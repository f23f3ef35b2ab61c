{{ config(materialized='reusable_table') }}

{#- Tariff-text score of candidate lines for each description, within the headings of
    int_candidate_headings (GRI 1 first, then GRI 6 between the lines of a heading):

      T(q, l) = H(q, h)
                + var candidates_weight_path * sum_{t in q and path(l)} w(t) * idf(t) * s(l, t)
                - var candidates_weight_unmatched * sum_{t in path(l), not in q} idf(t)
      tariff_score = T / norm(q) + var candidates_weight_chapter_score * chapter_share

    path(l): the words of the chain below the heading (int_candidate_line_terms);
    s(l, t) = 1, or -var candidates_weight_negated when the line excludes t ("not
    alloyed"), or var candidates_weight_foreign when t only names goods of the same HS
    subheading in another national tariff. Unmatched words of the chain are conditions
    the product does not state: among siblings that match nothing, the residual
    "Other" line wins (GRI 6). tariff_score is about the share of the description the
    line explains (0..1, plus the chapter share).

    Lines scored: those matching the description's words (int_candidate_line_terms),
    the least specific lines of every heading, and every line of the subheadings near
    examples are classified in.
    Kept per description and scheme: the var candidates_tariff_candidates best lines
    and the best lines of the var candidates_tariff_subheadings best subheadings of the
    top headings, and the 2 best lines of every subheading and the line a near example
    is classified in. -#}

with

query_terms as (

    select text_key, token, weight from {{ ref('int_candidate_query_terms') }}

),

selected_headings as (

    select
        text_key, scheme, heading_code, heading_score, chapter_share, norm,
        case when is_top_heading then 1 else 0 end as is_top_heading
    from {{ ref('int_candidate_headings') }}

),

scheme_vocabulary as (

    select scheme, token, max(idf) as idf
    from {{ ref('int_candidate_heading_terms') }}
    group by scheme, token

),

neighbour_codes as (

    select distinct
        neighbours.query_key as text_key,
        examples.scheme,
        examples.code
    from {{ ref('int_candidate_neighbours') }} as neighbours
    inner join {{ ref('int_candidate_examples') }} as examples
        on neighbours.example_key = examples.text_key

),

lines as (

    select scheme, heading_code, candidate_code
    from {{ ref('int_candidate_tariff_lines') }}

),

line_terms as (

    select
        line_terms.scheme, line_terms.heading_code, line_terms.candidate_code, line_terms.token,
        line_terms.is_negated, line_terms.is_foreign, scheme_vocabulary.idf
    from {{ ref('int_candidate_line_terms') }} as line_terms
    inner join scheme_vocabulary
        on line_terms.scheme = scheme_vocabulary.scheme
        and line_terms.token = scheme_vocabulary.token

),

path_totals as (

    select scheme, candidate_code, round(sum(idf), 9) as path_idf
    from line_terms
    where not is_negated and not is_foreign
    group by scheme, candidate_code

),

path_hits as (

    select
        selected_headings.text_key,
        selected_headings.scheme,
        line_terms.heading_code,
        line_terms.candidate_code,
        round(sum(
            query_terms.weight * line_terms.idf
            * case
                when line_terms.is_negated then -{{ var('candidates_weight_negated', 1.0) }}
                when line_terms.is_foreign then {{ var('candidates_weight_foreign', 0.5) }}
                else 1
            end
        ), 9) as path_score,
        round(sum(case when line_terms.is_negated or line_terms.is_foreign then 0 else line_terms.idf end), 9) as path_matched_idf
    from selected_headings
    inner join query_terms
        on selected_headings.text_key = query_terms.text_key
    inner join line_terms
        on selected_headings.scheme = line_terms.scheme
        and selected_headings.heading_code = line_terms.heading_code
        and query_terms.token = line_terms.token
    group by selected_headings.text_key, selected_headings.scheme, line_terms.heading_code, line_terms.candidate_code

),



{#- Lines scored for a description: those whose chain matches its words at least var
    candidates_path_reach as well as the best line of the heading, plus the least
    specific lines (the residual "Other" lines GRI 6 falls back to: the 2 with the
    fewest chain words in every selected heading, the one with the fewest in every
    subheading a near example is classified in), plus the lines of near examples. -#}
least_specific_lines as (

    select scheme, heading_code, candidate_code, rank_in_heading, rank_in_subheading
    from (
        select
            lines.scheme,
            lines.heading_code,
            lines.candidate_code,
            row_number() over (
                partition by lines.scheme, lines.heading_code
                order by coalesce(path_totals.path_idf, 0), lines.candidate_code
            ) as rank_in_heading,
            row_number() over (
                partition by lines.scheme, substr(lines.candidate_code, 1, 6)
                order by coalesce(path_totals.path_idf, 0), lines.candidate_code
            ) as rank_in_subheading
        from lines
        left join path_totals
            on lines.scheme = path_totals.scheme
            and lines.candidate_code = path_totals.candidate_code
    ) as ranked_lines
    where rank_in_heading <= 2 or rank_in_subheading = 1

),

best_paths as (

    select text_key, scheme, heading_code, max(path_score) as best_path_score
    from path_hits
    group by text_key, scheme, heading_code

),

scored_lines as (

    select text_key, scheme, candidate_code, max(is_tariff_line) as is_tariff_line
    from (
        -- lines matching at least half as well as the best line of their heading
        select path_hits.text_key, path_hits.scheme, path_hits.candidate_code, 1 as is_tariff_line
        from path_hits
        inner join best_paths
            on path_hits.text_key = best_paths.text_key
            and path_hits.scheme = best_paths.scheme
            and path_hits.heading_code = best_paths.heading_code
        where path_hits.path_score >= {{ var('candidates_path_reach', 0.5) }} * best_paths.best_path_score
        union all
        -- the least specific lines of every heading looked at
        select
            selected_headings.text_key, selected_headings.scheme, least_specific_lines.candidate_code,
            1 as is_tariff_line
        from selected_headings
        inner join least_specific_lines
            on selected_headings.scheme = least_specific_lines.scheme
            and selected_headings.heading_code = least_specific_lines.heading_code
        where least_specific_lines.rank_in_heading <= 2
        union all
        -- every line of a subheading a near example is classified in (all of them, so
        -- which example pointed there changes nothing in how they are ranked)
        select
            neighbour_subheadings.text_key, neighbour_subheadings.scheme, lines.candidate_code,
            0 as is_tariff_line
        from (
            select distinct text_key, scheme, substr(code, 1, 6) as subheading_code from neighbour_codes
        ) as neighbour_subheadings
        inner join lines
            on neighbour_subheadings.scheme = lines.scheme
            and neighbour_subheadings.subheading_code = substr(lines.candidate_code, 1, 6)
    ) as sourced_lines
    group by text_key, scheme, candidate_code

),

scored as (

    select
        scored_lines.text_key,
        scored_lines.scheme,
        lines.heading_code,
        lines.candidate_code,
        selected_headings.is_top_heading,
        scored_lines.is_tariff_line,
        selected_headings.heading_score,
        coalesce(path_hits.path_score, 0) as path_score,
        round(coalesce(path_totals.path_idf, 0) - coalesce(path_hits.path_matched_idf, 0), 9) as unmatched_idf,
        round(
            (
                selected_headings.heading_score
                + {{ var('candidates_weight_path', 0.6) }} * coalesce(path_hits.path_score, 0)
                - {{ var('candidates_weight_unmatched', 0.05) }}
                * (coalesce(path_totals.path_idf, 0) - coalesce(path_hits.path_matched_idf, 0))
            ) / nullif(selected_headings.norm, 0)
            + {{ var('candidates_weight_chapter_score', 0.3) }} * selected_headings.chapter_share,
            9
        ) as tariff_score

    from scored_lines
    inner join lines
        on scored_lines.scheme = lines.scheme
        and scored_lines.candidate_code = lines.candidate_code
    inner join selected_headings
        on scored_lines.text_key = selected_headings.text_key
        and scored_lines.scheme = selected_headings.scheme
        and lines.heading_code = selected_headings.heading_code
    left join path_hits
        on scored_lines.text_key = path_hits.text_key
        and scored_lines.scheme = path_hits.scheme
        and scored_lines.candidate_code = path_hits.candidate_code
    left join path_totals
        on lines.scheme = path_totals.scheme
        and lines.candidate_code = path_totals.candidate_code

),



{#- tariff_rank and subheading_rank rank the lines found by tariff text alone in the
    best headings: near examples never change them (leave-one-out: a ruling's own
    code must not enter a list because the ruling itself was a neighbour).
    rank_in_subheading, over all lines of a subheading, lets a product's own near
    examples (chosen per product in int_candidate_scores, its own ruling left out)
    bring in the best lines of the subheading they are classified in. -#}
ranked as (

    -- one sort per subheading: row_number among the subheading's tariff lines is the
    -- running count of its tariff lines in the same order (the order is strict)
    select
        scored.*,
        case when is_tariff_line = 1 then count(case when is_tariff_line = 1 then 1 end) over (
                    partition by text_key, scheme, substr(candidate_code, 1, 6)
                    order by tariff_score desc, unmatched_idf, candidate_code
                    rows between unbounded preceding and current row
                )
        end as tariff_rank_in_subheading,
        row_number() over (
            partition by text_key, scheme, substr(candidate_code, 1, 6)
            order by tariff_score desc, unmatched_idf, candidate_code
        ) as rank_in_subheading
    from scored

),

subheading_ranked as (

    -- tariff_rank: the rank among the tariff lines of the best headings; subheading_rank:
    -- the best line of each subheading of the best headings, ranked (the alternatives the
    -- final list, mostly one line per subheading, is made of). Both are running counts in
    -- one sort per description and scheme.
    select
        ranked.*,
        case when is_top_heading = 1 and is_tariff_line = 1 then count(
                    case when is_top_heading = 1 and is_tariff_line = 1 then 1 end
                ) over (
                    partition by text_key, scheme
                    order by tariff_score desc, unmatched_idf, candidate_code
                    rows between unbounded preceding and current row
                )
        end as tariff_rank,
        case when is_top_heading = 1 and tariff_rank_in_subheading = 1 then count(
                    case when is_top_heading = 1 and tariff_rank_in_subheading = 1 then 1 end
                ) over (
                    partition by text_key, scheme
                    order by tariff_score desc, unmatched_idf, candidate_code
                    rows between unbounded preceding and current row
                )
        end as subheading_rank
    from ranked

),

neighbour_subheadings as (

    select distinct text_key, scheme, substr(code, 1, 6) as subheading_code
    from neighbour_codes

),

final as (

    select
        ranked.text_key,
        ranked.scheme,
        ranked.heading_code,
        ranked.candidate_code,
        ranked.heading_score,
        ranked.path_score,
        ranked.unmatched_idf,
        ranked.tariff_score,
        ranked.tariff_rank,
        ranked.subheading_rank,
        ranked.rank_in_subheading
    from subheading_ranked as ranked
    left join neighbour_subheadings
        on ranked.text_key = neighbour_subheadings.text_key
        and ranked.scheme = neighbour_subheadings.scheme
        and substr(ranked.candidate_code, 1, 6) = neighbour_subheadings.subheading_code
    left join neighbour_codes
        on ranked.text_key = neighbour_codes.text_key
        and ranked.scheme = neighbour_codes.scheme
        and ranked.candidate_code = neighbour_codes.code
    where ranked.tariff_rank <= {{ var('candidates_tariff_candidates', 12) }}
        or ranked.subheading_rank <= {{ var('candidates_tariff_subheadings', 12) }}
        or (neighbour_subheadings.subheading_code is not null and ranked.rank_in_subheading <= 2)
        or neighbour_codes.code is not null

)

select * from final
