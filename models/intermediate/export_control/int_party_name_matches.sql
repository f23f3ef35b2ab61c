{{ config(materialized='reusable_table') }}

{#- Every party name to screen (int_screening_party_names) x every entry of the Consolidated
    Screening List one of whose names or alternate names it matches, with the best of that
    entry's names. Keys come from hsguard.screening.party_name_key (one normalisation, in the
    Python models that key both sides); the matching is here (docs/SCREENING.md):
    - exact: equal keys (same words after normalisation, any order, any legal form);
    - fuzzy, only when both keys have at least 6 letters (short names and acronyms match
      exactly or not at all): an IDF-weighted soft token overlap. Words weigh as learnt
      from the list (int_screening_list_tokens: "general", "trading", "university" little,
      a rare name word a lot; a word the list does not hold the most, a misspelt list word
      as that word). Two words of 5+ letters are the same at one edit (Damerau-Levenshtein;
      two from 10 letters), with credit 1 - edits / length. Score = matched weight of both
      names / their total weight (a soft Dice coefficient).
    Candidates are found through the list's token index (int_screening_list_block_keys),
    never by length or first-letter shortcuts: a list name is a candidate when it holds one
    of the party name's screening_block_words heaviest words or, for such a word of 5+
    letters the list does not hold (a typo), shares a one-letter deletion with one of its
    words or is one of them with two letters swapped; pairs whose words sharing a key weigh too little to reach the review score are
    dropped before scoring (an upper bound: a word no key reaches cannot match, except a
    word under 5 letters one edit from another, which the score would credit; words too
    common for the index count as matched, and so does a looked-up word the list does not
    hold that is one edit from such a word, when the list name holds one: "aviatino" may
    match "aviation", which no key reaches). Kept:
    score >= screening_review_score. Sums of word weights are rounded to 9 decimals: their
    last bits follow DuckDB's order of addition, which can differ between an incremental
    rerun and a full build. -#}

with

party_names as (

    select party_name, name_origin, name_key
    from {{ ref('int_screening_party_names') }}
    where name_key is not null

),

list_names as (

    select entry_id, matched_name, is_alias, name_key
    from {{ ref('int_screening_list_names') }}
    where name_key is not null

),

party_keys as (

    select distinct name_key from party_names

),

list_key_tokens as (

    select name_key, token, weight, list_name_count
    from {{ ref('int_screening_list_tokens') }}

),

list_block_keys as (

    select name_key, token, weight, block_key
    from {{ ref('int_screening_list_block_keys') }}

),

list_total_weights as (

    select
        name_key,
        round(sum(weight), 9) as total_weight,
        {#- words too common to be in the token index: they may match without a key -#}
        round(coalesce(sum(case when list_name_count > {{ var('screening_max_block_names') }} then weight end), 0), 9)
            as common_weight

    from list_key_tokens
    group by name_key

),

party_key_tokens as (

    select party_keys.name_key, tokens.token
    from party_keys
    {{ hsguard.unnest_join(hsguard.split_text('party_keys.name_key', ' '), 'tokens', 'token') }}

),

token_weights as (

    select distinct token, weight, list_name_count from list_key_tokens

),

unseen_weight as (

    select max(unseen_weight) as weight from {{ ref('int_screening_list_tokens') }}

),

list_keys as (

    select distinct name_key from list_key_tokens

),

party_tokens_ranked as (

    select
        party_key_tokens.name_key,
        party_key_tokens.token,
        coalesce(token_weights.weight, unseen_weight.weight) as weight,
        token_weights.token is not null as is_list_word,
        coalesce(token_weights.list_name_count > {{ var('screening_max_block_names') }}, false) as is_common_word,
        row_number() over (
            partition by party_key_tokens.name_key
            order by coalesce(token_weights.weight, unseen_weight.weight) desc, party_key_tokens.token
        ) as weight_rank

    from party_key_tokens
    cross join unseen_weight
    left join token_weights
        on party_key_tokens.token = token_weights.token

),

party_block_keys as (

    select distinct
        party_tokens_ranked.name_key,
        party_tokens_ranked.token,
        party_tokens_ranked.weight,
        party_tokens_ranked.weight_rank,
        block_keys.block_key
    from party_tokens_ranked
    -- the word itself, with one letter deleted, or (the list word itself) two letters swapped
    {{ hsguard.unnest_join(
        "case
            when party_tokens_ranked.is_list_word then " ~ hsguard.text_list(["'w:' || party_tokens_ranked.token"]) ~ "
            when length(party_tokens_ranked.token) >= 5
                then " ~ hsguard.list_concat([
                    hsguard.text_list(["'d:' || party_tokens_ranked.token"]),
                    hsguard.one_letter_deletions('party_tokens_ranked.token', "'d:'"),
                    hsguard.neighbour_swaps('party_tokens_ranked.token', "'d:'"),
                ]) ~ "
            else " ~ hsguard.text_list([]) ~ "
        end",
        'block_keys', 'block_key'
    ) }}
    where party_tokens_ranked.weight_rank <= {{ var('screening_block_words') }}

),

common_word_keys as (

    {#- the words too common for the token index, with their one-letter deletions: a
        looked-up party word one edit from one of them may match it without a shared key -#}
    select distinct common_words.token, keys.block_key
    from (
        select token from token_weights
        where list_name_count > {{ var('screening_max_block_names') }}
    ) as common_words
    {{ hsguard.unnest_join(
        "case
            when length(common_words.token) >= 5
                then " ~ hsguard.list_concat([
                    hsguard.text_list(["'d:' || common_words.token"]),
                    hsguard.one_letter_deletions('common_words.token', "'d:'"),
                ]) ~ "
            else " ~ hsguard.text_list([]) ~ "
        end",
        'keys', 'block_key'
    ) }}

),

party_near_common_weights as (

    {#- per party name: the weight of its looked-up words the list does not hold that are
        one edit from a word too common for the index (a typo of it: "aviatino") -#}
    select name_key, round(sum(weight), 9) as near_common_weight
    from (
        select distinct party_block_keys.name_key, party_block_keys.token, party_block_keys.weight
        from party_block_keys
        inner join common_word_keys
            on party_block_keys.block_key = common_word_keys.block_key
    ) as near_common
    group by name_key

),

party_total_weights as (

    select
        name_key,
        round(sum(weight), 9) as total_weight,
        round(coalesce(sum(case when is_common_word then weight end), 0), 9) as common_weight,
        {#- words beyond the heaviest ones are not looked up: they may match -#}
        round(coalesce(
            sum(case when weight_rank > {{ var('screening_block_words') }} and not is_common_word then weight end), 0
        ), 9) as unindexed_weight

    from party_tokens_ranked
    group by name_key

),

exact_pairs as (

    select party_keys.name_key as party_key, party_keys.name_key as list_key
    from party_keys
    inner join list_keys
        on party_keys.name_key = list_keys.name_key

),

key_hits as (

    select distinct
        party_block_keys.name_key as party_key,
        list_block_keys.name_key as list_key,
        party_block_keys.token as party_token,
        party_block_keys.weight as party_weight,
        party_block_keys.weight_rank,
        list_block_keys.token as list_token,
        list_block_keys.weight as list_weight

    from party_block_keys
    inner join list_block_keys
        on party_block_keys.block_key = list_block_keys.block_key
    where
        party_block_keys.name_key != list_block_keys.name_key
        and length(replace(party_block_keys.name_key, ' ', '')) >= 6
        and length(replace(list_block_keys.name_key, ' ', '')) >= 6

),

party_hit_weights as (

    select party_key, list_key, round(sum(party_weight), 9) as hit_weight, min(weight_rank) as best_rank
    from (select distinct party_key, list_key, party_token, party_weight, weight_rank from key_hits) as party_hits
    group by party_key, list_key

),

list_hit_weights as (

    select party_key, list_key, round(sum(list_weight), 9) as hit_weight
    from (select distinct party_key, list_key, list_token, list_weight from key_hits) as list_hits
    group by party_key, list_key

),

fuzzy_pairs as (

    {#- found through one of the party name's heaviest words, and able to reach the review
        score: a word no key reaches cannot match, so the words that share a key bound it -#}
    select party_hit_weights.party_key, party_hit_weights.list_key
    from party_hit_weights
    inner join list_hit_weights
        on party_hit_weights.party_key = list_hit_weights.party_key
        and party_hit_weights.list_key = list_hit_weights.list_key
    inner join party_total_weights
        on party_hit_weights.party_key = party_total_weights.name_key
    inner join list_total_weights
        on party_hit_weights.list_key = list_total_weights.name_key
    left join party_near_common_weights
        on party_hit_weights.party_key = party_near_common_weights.name_key
    where
        party_hit_weights.hit_weight + party_total_weights.common_weight + 2 * party_total_weights.unindexed_weight
        + case
            when list_total_weights.common_weight > 0 then coalesce(party_near_common_weights.near_common_weight, 0)
            else 0
        end
        + list_hit_weights.hit_weight + list_total_weights.common_weight
        >= {{ var('screening_review_score') }} * (party_total_weights.total_weight + list_total_weights.total_weight)

),

token_pairs as (

    select
        fuzzy_pairs.party_key,
        fuzzy_pairs.list_key,
        party_key_tokens.token as party_token,
        list_key_tokens.token as list_token,
        case
            when party_key_tokens.token = list_key_tokens.token then 1.0
            when least(length(party_key_tokens.token), length(list_key_tokens.token)) >= 5
                and abs(length(party_key_tokens.token) - length(list_key_tokens.token)) <= 2
                and {{ hsguard.damerau_levenshtein('party_key_tokens.token', 'list_key_tokens.token') }}
                <= case when least(length(party_key_tokens.token), length(list_key_tokens.token)) >= 10 then 2 else 1 end
                then 1.0 - {{ hsguard.damerau_levenshtein('party_key_tokens.token', 'list_key_tokens.token') }}
                    / greatest(length(party_key_tokens.token), length(list_key_tokens.token))
            else 0.0
        end as similarity

    from fuzzy_pairs
    inner join party_key_tokens
        on fuzzy_pairs.party_key = party_key_tokens.name_key
    inner join list_key_tokens
        on fuzzy_pairs.list_key = list_key_tokens.name_key

),

best_for_list_token as (

    select
        token_pairs.party_key,
        token_pairs.list_key,
        token_pairs.list_token as token,
        max(token_pairs.similarity) as similarity,
        {{ hsguard.value_at_max('token_pairs.party_token', 'token_pairs.similarity') }} as matched_token

    from token_pairs
    group by token_pairs.party_key, token_pairs.list_key, token_pairs.list_token

),

best_for_party_token as (

    select
        token_pairs.party_key,
        token_pairs.list_key,
        token_pairs.party_token as token,
        max(token_pairs.similarity) as similarity,
        case
            when max(token_pairs.similarity) > 0 then {{ hsguard.value_at_max('token_pairs.list_token', 'token_pairs.similarity') }}
        end as matched_token

    from token_pairs
    group by token_pairs.party_key, token_pairs.list_key, token_pairs.party_token

),

list_side as (

    select
        best_for_list_token.party_key,
        best_for_list_token.list_key,
        round(sum(token_weights.weight * best_for_list_token.similarity), 9) as matched_weight,
        round(sum(token_weights.weight), 9) as total_weight,
        {{ dbt.listagg(
            "case
                when best_for_list_token.similarity = 1.0 then best_for_list_token.token
                when best_for_list_token.similarity > 0
                    then best_for_list_token.token || '~' || best_for_list_token.matched_token
            end",
            "' '", 'order by token_weights.weight desc, best_for_list_token.token'
        ) }} as matched_words

    from best_for_list_token
    inner join token_weights
        on best_for_list_token.token = token_weights.token
    group by best_for_list_token.party_key, best_for_list_token.list_key

),

party_side as (

    select
        best_for_party_token.party_key,
        best_for_party_token.list_key,
        round(sum(
            coalesce(token_weights.weight, matched_weights.weight, unseen_weight.weight)
            * best_for_party_token.similarity
        ), 9) as matched_weight,
        round(sum(coalesce(token_weights.weight, matched_weights.weight, unseen_weight.weight)), 9) as total_weight

    from best_for_party_token
    cross join unseen_weight
    left join token_weights
        on best_for_party_token.token = token_weights.token
    -- a word the list does not hold that is a misspelling of a list word weighs as that word
    left join token_weights as matched_weights
        on best_for_party_token.matched_token = matched_weights.token
    group by best_for_party_token.party_key, best_for_party_token.list_key

),

scored_pairs as (

    select
        list_side.party_key,
        list_side.list_key,
        (list_side.matched_weight + party_side.matched_weight)
        / (list_side.total_weight + party_side.total_weight) as score,
        'fuzzy' as match_kind,
        'weighted words in common: ' || coalesce(list_side.matched_words, 'none') as match_reason

    from list_side
    inner join party_side
        on list_side.party_key = party_side.party_key
        and list_side.list_key = party_side.list_key

    union all

    select
        party_key,
        list_key,
        1.0 as score,
        'exact' as match_kind,
        'same normalised name' as match_reason

    from exact_pairs

),

kept_pairs as (

    select * from scored_pairs
    where score >= {{ var('screening_review_score') }}

),

entry_matches as (

    select
        party_names.party_name,
        party_names.name_origin,
        party_names.name_key as party_key,
        list_names.entry_id,
        list_names.matched_name,
        list_names.is_alias,
        list_names.name_key as matched_key,
        kept_pairs.score,
        kept_pairs.match_kind,
        kept_pairs.match_reason,
        row_number() over (
            partition by party_names.party_name, party_names.name_origin, list_names.entry_id
            order by kept_pairs.score desc, list_names.is_alias, list_names.matched_name
        ) as rank_in_entry

    from party_names
    inner join kept_pairs
        on party_names.name_key = kept_pairs.party_key
    inner join list_names
        on kept_pairs.list_key = list_names.name_key

),

final as (

    select
        party_name,
        name_origin,
        party_key,
        entry_id,
        matched_name,
        is_alias,
        matched_key,
        round(score, 4) as score,
        match_kind,
        match_reason

    from entry_matches
    where rank_in_entry = 1

)

select * from final
