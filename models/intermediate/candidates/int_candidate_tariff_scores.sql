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

{# Inside the model a line, a heading and a subheading of a scheme are integer keys
    (numbered in the order of scheme and code, so ordering by line_key within a scheme
    is ordering by candidate_code): the large joins, groupings and window sorts below
    carry integers instead of the code strings, which are joined back to the kept rows
    at the end (the table is the same). -#}
lines as (

    select
        row_number() over (order by scheme, candidate_code) as line_key,
        dense_rank() over (order by scheme, heading_code) as heading_key,
        dense_rank() over (order by scheme, substr(candidate_code, 1, 6)) as subheading_key,
        dense_rank() over (order by scheme) as scheme_key,
        scheme, heading_code, candidate_code, substr(candidate_code, 1, 6) as subheading_code
    from {{ ref('int_candidate_tariff_lines') }}

),

headings as (

    select distinct heading_key, scheme, heading_code from lines

),

subheadings as (

    select distinct subheading_key, scheme, subheading_code from lines

),

query_terms as (

    select text_key, token, weight from {{ ref('int_candidate_query_terms') }}

),

selected_headings as (

    select
        selected.text_key, headings.heading_key, selected.heading_score, selected.chapter_share, selected.norm,
        case when selected.is_top_heading then 1 else 0 end as is_top_heading
    from {{ ref('int_candidate_headings') }} as selected
    inner join headings
        on selected.scheme = headings.scheme
        and selected.heading_code = headings.heading_code

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

neighbour_lines as (

    -- the lines near examples are classified in
    select neighbour_codes.text_key, lines.line_key
    from neighbour_codes
    inner join lines
        on neighbour_codes.scheme = lines.scheme
        and neighbour_codes.code = lines.candidate_code

),

neighbour_subheadings as (

    select distinct neighbour_codes.text_key, subheadings.subheading_key
    from neighbour_codes
    inner join subheadings
        on neighbour_codes.scheme = subheadings.scheme
        and substr(neighbour_codes.code, 1, 6) = subheadings.subheading_code

),

line_terms as (

    select
        lines.line_key, lines.heading_key, line_terms.token,
        line_terms.is_negated, line_terms.is_foreign, scheme_vocabulary.idf
    from {{ ref('int_candidate_line_terms') }} as line_terms
    inner join lines
        on line_terms.scheme = lines.scheme
        and line_terms.candidate_code = lines.candidate_code
    inner join scheme_vocabulary
        on line_terms.scheme = scheme_vocabulary.scheme
        and line_terms.token = scheme_vocabulary.token

),

path_totals as (

    select line_key, round(sum(idf), 9) as path_idf
    from line_terms
    where not is_negated and not is_foreign
    group by line_key

),

heading_query_terms as (

    -- the description's words once per selected heading, grouped (one row per text_key
    -- and token already: the grouping only keeps DuckDB from joining the words to every
    -- line term of the scheme before the headings)
    select selected_headings.text_key, selected_headings.heading_key, query_terms.token, min(query_terms.weight) as weight
    from selected_headings
    inner join query_terms
        on selected_headings.text_key = query_terms.text_key
    group by selected_headings.text_key, selected_headings.heading_key, query_terms.token

),

path_hits as (

    select
        query_terms.text_key,
        line_terms.heading_key,
        line_terms.line_key,
        round(sum(
            query_terms.weight * line_terms.idf
            * case
                when line_terms.is_negated then -{{ var('candidates_weight_negated', 1.0) }}
                when line_terms.is_foreign then {{ var('candidates_weight_foreign', 0.5) }}
                else 1
            end
        ), 9) as path_score,
        round(sum(case when line_terms.is_negated or line_terms.is_foreign then 0 else line_terms.idf end), 9) as path_matched_idf
    from heading_query_terms as query_terms
    inner join line_terms
        on query_terms.heading_key = line_terms.heading_key
        and query_terms.token = line_terms.token
    group by query_terms.text_key, line_terms.heading_key, line_terms.line_key

),



{#- Lines scored for a description: those whose chain matches its words at least var
    candidates_path_reach as well as the best line of the heading, plus the least
    specific lines (the residual "Other" lines GRI 6 falls back to: the 2 with the
    fewest chain words in every selected heading, the one with the fewest in every
    subheading a near example is classified in), plus the lines of near examples. -#}
least_specific_lines as (

    select heading_key, line_key, rank_in_heading, rank_in_subheading
    from (
        select
            lines.heading_key,
            lines.line_key,
            row_number() over (
                partition by lines.heading_key
                order by coalesce(path_totals.path_idf, 0), lines.line_key
            ) as rank_in_heading,
            row_number() over (
                partition by lines.subheading_key
                order by coalesce(path_totals.path_idf, 0), lines.line_key
            ) as rank_in_subheading
        from lines
        left join path_totals
            on lines.line_key = path_totals.line_key
    ) as ranked_lines
    where rank_in_heading <= 2 or rank_in_subheading = 1

),

best_paths as (

    select text_key, heading_key, max(path_score) as best_path_score
    from path_hits
    group by text_key, heading_key

),

scored_lines as (

    select text_key, line_key, max(is_tariff_line) as is_tariff_line
    from (
        -- lines matching at least half as well as the best line of their heading
        select path_hits.text_key, path_hits.line_key, 1 as is_tariff_line
        from path_hits
        inner join best_paths
            on path_hits.text_key = best_paths.text_key
            and path_hits.heading_key = best_paths.heading_key
        where path_hits.path_score >= {{ var('candidates_path_reach', 0.5) }} * best_paths.best_path_score
        union all
        -- the least specific lines of every heading looked at
        select selected_headings.text_key, least_specific_lines.line_key, 1 as is_tariff_line
        from selected_headings
        inner join least_specific_lines
            on selected_headings.heading_key = least_specific_lines.heading_key
        where least_specific_lines.rank_in_heading <= 2
        union all
        -- every line of a subheading a near example is classified in (all of them, so
        -- which example pointed there changes nothing in how they are ranked)
        select neighbour_subheadings.text_key, lines.line_key, 0 as is_tariff_line
        from neighbour_subheadings
        inner join lines
            on neighbour_subheadings.subheading_key = lines.subheading_key
    ) as sourced_lines
    group by text_key, line_key

),

scored as (

    select
        scored_lines.text_key,
        lines.scheme_key,
        lines.subheading_key,
        lines.line_key,
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
        on scored_lines.line_key = lines.line_key
    inner join selected_headings
        on scored_lines.text_key = selected_headings.text_key
        and lines.heading_key = selected_headings.heading_key
    left join path_hits
        on scored_lines.text_key = path_hits.text_key
        and scored_lines.line_key = path_hits.line_key
    left join path_totals
        on lines.line_key = path_totals.line_key

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
                    partition by text_key, subheading_key
                    order by tariff_score desc, unmatched_idf, line_key
                    rows between unbounded preceding and current row
                )
        end as tariff_rank_in_subheading,
        row_number() over (
            partition by text_key, subheading_key
            order by tariff_score desc, unmatched_idf, line_key
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
                    partition by text_key, scheme_key
                    order by tariff_score desc, unmatched_idf, line_key
                    rows between unbounded preceding and current row
                )
        end as tariff_rank,
        case when is_top_heading = 1 and tariff_rank_in_subheading = 1 then count(
                    case when is_top_heading = 1 and tariff_rank_in_subheading = 1 then 1 end
                ) over (
                    partition by text_key, scheme_key
                    order by tariff_score desc, unmatched_idf, line_key
                    rows between unbounded preceding and current row
                )
        end as subheading_rank
    from ranked

),

kept as (

    select ranked.*
    from subheading_ranked as ranked
    left join neighbour_subheadings
        on ranked.text_key = neighbour_subheadings.text_key
        and ranked.subheading_key = neighbour_subheadings.subheading_key
    left join neighbour_lines
        on ranked.text_key = neighbour_lines.text_key
        and ranked.line_key = neighbour_lines.line_key
    where ranked.tariff_rank <= {{ var('candidates_tariff_candidates', 12) }}
        or ranked.subheading_rank <= {{ var('candidates_tariff_subheadings', 12) }}
        or (neighbour_subheadings.subheading_key is not null and ranked.rank_in_subheading <= 2)
        or neighbour_lines.line_key is not null

),

final as (

    select
        kept.text_key,
        lines.scheme,
        lines.heading_code,
        lines.candidate_code,
        kept.heading_score,
        kept.path_score,
        kept.unmatched_idf,
        kept.tariff_score,
        kept.tariff_rank,
        kept.subheading_rank,
        kept.rank_in_subheading
    from kept
    inner join lines
        on kept.line_key = lines.line_key

)

select * from final
