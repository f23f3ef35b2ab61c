{{ config(materialized='reusable_table') }}

{#- The ranked candidates of int_candidate_top with the sources that support each one
    and the evidence a declarant can read: which words of the description match the
    heading and the line (tariff), which ruling and which classified products with a
    similar description point at it. Words are listed per description and line once,
    however many products share the description. The evidence claims a description word
    "matches" the heading or the line only when the text it quotes contains that word
    (same stem); words that scored through a synonym, the chapter title or another
    nomenclature's wording of the subheading are listed apart as "related". -#}

with

top_k as (

    select * from {{ ref('int_candidate_top') }}

),

examples as (

    select example_type, example_id, scheme, code, description
    from {{ ref('int_candidate_examples') }}

),

cited_pairs as (

    -- the description and the ruling it cites, for the shared words of the evidence
    select distinct text_key as query_key, ruling_text_key as example_key
    from top_k
    where ruling_text_key is not null

),

shared_words as (

    select cited_pairs.query_key, cited_pairs.example_key, query_terms.word, min(query_terms.word_position) as word_position
    from cited_pairs
    inner join {{ ref('int_candidate_text_terms') }} as query_terms
        on cited_pairs.query_key = query_terms.text_key
    inner join {{ ref('int_candidate_text_terms') }} as example_terms
        on cited_pairs.example_key = example_terms.text_key
        and query_terms.token = example_terms.token
    group by cited_pairs.query_key, cited_pairs.example_key, query_terms.word

),

neighbours as (

    select
        query_key,
        example_key,
        {{ hsguard.listagg_sorted('word', "', '", ['word_position', 'word']) }} as matched_words
    from shared_words
    group by query_key, example_key

),

candidate_lines as (

    select distinct text_key, scheme, heading_code, candidate_code from top_k

),

lines as (

    select
        scheme, candidate_code, code_display, heading_code, heading_display, heading_description,
        description, full_description, below_heading_text
    from {{ ref('int_candidate_tariff_lines') }}

),

shown_texts as (

    -- the texts the evidence quotes: the heading's and the line's below the heading
    select distinct lines.scheme, lines.candidate_code, lines.heading_description, lines.below_heading_text
    from lines
    inner join (select distinct scheme, candidate_code from candidate_lines) as shown
        on lines.scheme = shown.scheme
        and lines.candidate_code = shown.candidate_code

),

shown_line_tokens as (

    select distinct scheme, candidate_code, token
    from ({{ tokenise('shown_texts', ['scheme', 'candidate_code'], 'below_heading_text') }}) as line_tokens

),

shown_heading_texts as (

    -- a heading's text is the same on every line of the heading: tokenised once
    select distinct heading_description from shown_texts

),

shown_heading_tokens as (

    select distinct shown_texts.scheme, shown_texts.candidate_code, heading_tokens.token
    from shown_texts
    inner join ({{ tokenise('shown_heading_texts', ['heading_description'], 'heading_description') }}) as heading_tokens
        on shown_texts.heading_description = heading_tokens.heading_description

),

cited_terms as (

    select terms.text_key, terms.token, terms.word
    from {{ ref('int_candidate_query_terms') }} as terms
    inner join (select distinct text_key from candidate_lines) as texts
        on terms.text_key = texts.text_key

),

word_stems as (

    -- each distinct word stemmed once
    select word, {{ stem_word('word') }} as word_stem
    from (select distinct word from cited_terms) as words

),

query_terms as (

    select cited_terms.text_key, cited_terms.token, cited_terms.word, word_stems.word_stem
    from cited_terms
    left join word_stems
        on cited_terms.word = word_stems.word

),

heading_words as (

    -- one row per match (grouped per word below: max and bool_or need no distinct)
    select
        candidate_lines.text_key, candidate_lines.scheme, candidate_lines.candidate_code,
        query_terms.word, heading_terms.field, heading_terms.idf,
        shown_heading_tokens.token is not null as is_quoted
    from candidate_lines
    inner join query_terms
        on candidate_lines.text_key = query_terms.text_key
    inner join {{ ref('int_candidate_heading_terms') }} as heading_terms
        on candidate_lines.scheme = heading_terms.scheme
        and candidate_lines.heading_code = heading_terms.heading_code
        and query_terms.token = heading_terms.token
    left join shown_heading_tokens
        on candidate_lines.scheme = shown_heading_tokens.scheme
        and candidate_lines.candidate_code = shown_heading_tokens.candidate_code
        and query_terms.word_stem = shown_heading_tokens.token
    where heading_terms.field in ('heading', 'chapter')

),

scheme_vocabulary as (

    select scheme, token, max(idf) as idf
    from {{ ref('int_candidate_heading_terms') }}
    group by scheme, token

),

path_words as (

    select
        candidate_lines.text_key, candidate_lines.scheme, candidate_lines.candidate_code,
        query_terms.word, scheme_vocabulary.idf,
        shown_line_tokens.token is not null as is_quoted
    from candidate_lines
    inner join query_terms
        on candidate_lines.text_key = query_terms.text_key
    inner join {{ ref('int_candidate_line_terms') }} as line_terms
        on candidate_lines.scheme = line_terms.scheme
        and candidate_lines.candidate_code = line_terms.candidate_code
        and query_terms.token = line_terms.token
        and not line_terms.is_negated
    inner join scheme_vocabulary
        on line_terms.scheme = scheme_vocabulary.scheme
        and line_terms.token = scheme_vocabulary.token
    left join shown_line_tokens
        on candidate_lines.scheme = shown_line_tokens.scheme
        and candidate_lines.candidate_code = shown_line_tokens.candidate_code
        and query_terms.word_stem = shown_line_tokens.token

),

heading_word_lists as (

    select
        text_key, scheme, candidate_code,
        {{ hsguard.listagg_sorted("case when is_quoted then '''' || word || '''' end", "', '", ['-idf', 'word']) }} as words,
        {{ hsguard.listagg_sorted("case when not is_quoted then '''' || word || '''' end", "', '", ['-idf', 'word']) }} as related_words
    from (
        select text_key, scheme, candidate_code, word, max(idf) as idf, bool_or(is_quoted) as is_quoted
        from heading_words
        group by text_key, scheme, candidate_code, word
    ) as w
    group by text_key, scheme, candidate_code

),

path_word_lists as (

    select
        text_key, scheme, candidate_code,
        {{ hsguard.listagg_sorted("case when is_quoted then '''' || word || '''' end", "', '", ['-idf', 'word']) }} as words,
        {{ hsguard.listagg_sorted("case when not is_quoted then '''' || word || '''' end", "', '", ['-idf', 'word']) }} as related_words
    from (
        select text_key, scheme, candidate_code, word, max(idf) as idf, bool_or(is_quoted) as is_quoted
        from path_words
        group by text_key, scheme, candidate_code, word
    ) as w
    group by text_key, scheme, candidate_code

),

final as (

    select
        top_k.variant_key,
        top_k.scheme,
        top_k.rank,
        top_k.candidate_code,
        {{ candidate_code_display('top_k.scheme', 'top_k.candidate_code') }} as candidate_code_display,
        {{ hsguard.round_double('top_k.score', 4) }} as score,
        {{ hsguard.round_double('top_k.tariff_score', 4) }} as tariff_score,
        {{ hsguard.round_double('top_k.ruling_score', 4) }} as ruling_score,
        {{ hsguard.round_double('top_k.peer_score', 4) }} as peer_score,
        {{ hsguard.round_double('top_k.correlation_score', 4) }} as correlation_score,
        {{ hsguard.round_double('top_k.confidence', 4) }} as confidence,
        top_k.is_abstain,
        -- the evidence sources of the candidate, always in this order
        trim(
            case when heading_word_lists.words is not null or path_word_lists.words is not null
                    or top_k.heading_score > 0 then 'tariff '
                else ''
            end
            || case when top_k.ruling_score > 0 then 'ruling ' else '' end
            || case when top_k.peer_score > 0 then 'peer ' else '' end
            || case when top_k.correlation_score > 0 then 'correlation ' else '' end
        ) as source_list,
        top_k.ruling_id,
        top_k.peer_sku,
        'Tariff text ' || top_k.scheme || ' ' || coalesce(lines.heading_display, top_k.heading_code) || ' "'
        || substr(lines.heading_description, 1, 90) || case when length(lines.heading_description) > 90 then '..."' else '"' end
        || coalesce(': matches ' || heading_word_lists.words, ': no word of the heading matches')
        || coalesce(' (related: ' || heading_word_lists.related_words || ')', '')
        || '; line "' || substr(lines.below_heading_text, 1, 160)
        || case when length(lines.below_heading_text) > 160 then '..."' else '"' end
        || coalesce(': matches ' || path_word_lists.words, '')
        || coalesce(' (related: ' || path_word_lists.related_words || ')', '')
        || '.'
        || case when top_k.ruling_score > 0
                then
                    ' Ruling ' || top_k.ruling_id || ' (similarity ' || cast(round(top_k.ruling_similarity, 2) as string)
                    || coalesce(', shared words ' || ruling_words.matched_words, '') || ': "'
                    || substr(ruling_examples.description, 1, 100) || case when length(ruling_examples.description) > 100 then '...' else '' end
                    || '") classifies ' || {{ candidate_code_display('top_k.scheme', 'top_k.ruling_code') }}
                    || case when top_k.ruling_code = top_k.candidate_code then '' else ' (same '
                            || case when substr(top_k.ruling_code, 1, 8) = substr(top_k.candidate_code, 1, 8) and length(top_k.ruling_code) >= 8 then '8-digit line'
                                when substr(top_k.ruling_code, 1, 6) = substr(top_k.candidate_code, 1, 6) then 'subheading'
                                else 'heading'
                            end || ')'
                    end
                    || '.'
            else ''
        end
        || case when top_k.peer_score > 0
                then
                    ' ' || cast(top_k.peer_members as string)
                    || case when top_k.peer_is_own_group
                            then ' other product(s) with the same description'
                        else ' classified product(s) with a similar description (e.g. SKU ' || top_k.peer_sku
                            || ', similarity ' || cast(round(top_k.peer_similarity, 2) as string) || ': "'
                            || substr(peer_examples.description, 1, 80) || case when length(peer_examples.description) > 80 then '...' else '' end
                            || '")'
                    end
                    || ' declare ' || {{ candidate_code_display('top_k.scheme', 'top_k.peer_code') }}
                    || case when top_k.peer_code = top_k.candidate_code then '' else ' (same '
                            || case when substr(top_k.peer_code, 1, 6) = substr(top_k.candidate_code, 1, 6) then 'subheading' else 'heading' end || ')'
                    end
                    || '.'
            else ''
        end
        || case when top_k.correlation_score > 0
                then
                    ' The ' || top_k.correlation_source || ' maps the declared '
                    || {{ candidate_code_display('top_k.scheme', 'top_k.correlation_from_code') }}
                    || ', no longer a line of the current edition, to this line'
                    || case when top_k.correlation_replacements = 1 then ' (1:1).'
                        else ' (one of ' || cast(top_k.correlation_replacements as string) || ' lines: a split, a human must choose).'
                    end
            else '' end
            as evidence

    from top_k
    left join examples as ruling_examples
        on ruling_examples.example_type = 'ruling'
        and top_k.ruling_id = ruling_examples.example_id
        and top_k.scheme = ruling_examples.scheme
    left join neighbours as ruling_words
        on top_k.text_key = ruling_words.query_key
        and top_k.ruling_text_key = ruling_words.example_key
    left join examples as peer_examples
        on peer_examples.example_type = 'peer'
        and top_k.peer_sku = peer_examples.example_id
        and top_k.scheme = peer_examples.scheme
        and top_k.peer_code = peer_examples.code
    left join lines
        on top_k.scheme = lines.scheme
        and top_k.candidate_code = lines.candidate_code
    left join heading_word_lists
        on top_k.text_key = heading_word_lists.text_key
        and top_k.scheme = heading_word_lists.scheme
        and top_k.candidate_code = heading_word_lists.candidate_code
    left join path_word_lists
        on top_k.text_key = path_word_lists.text_key
        and top_k.scheme = path_word_lists.scheme
        and top_k.candidate_code = path_word_lists.candidate_code

)

select * from final
