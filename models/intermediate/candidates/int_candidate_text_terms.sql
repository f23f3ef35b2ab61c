{{ config(materialized='reusable_table') }}

{#- The weighted terms of every distinct text: its own stemmed tokens (weight 1) plus
    the expansions of seeds/text_synonyms.csv (abbreviations, irregular plurals,
    materials, trade names -> tariff vocabulary) at the seed's weight. A token keeps its
    highest weight; `word` is the word as written (for the evidence).
    role: 'head_noun' (last word of the head phrase, see macro head_phrase: what the
    product is; with the word before it when the last word is generic), 'head' (another
    word of the head phrase), 'material' (a material word outside the head phrase, see
    macro text_material_words) or 'tail' (other complements: use, features, parts); an
    expansion takes the role of the word it expands. -#}

with

texts as (

    select
        text_key,
        description,
        -- "a scale that is not digital or electronic": negated words say what the
        -- product is not, so they are no terms of it
        {{ affirmed_text('description') }} as affirmed_description
    from {{ ref('int_candidate_texts') }}

),

text_tokens as (

    {{ tokenise('texts', ['text_key'], 'affirmed_description') }}

),

head_texts as (

    select text_key, {{ head_phrase('description') }} as head_text from texts

),

head_tokens as (

    {{ tokenise('head_texts', ['text_key'], 'head_text') }}

),

head_positions as (

    select
        head_tokens.*,
        max(word_position) over (partition by text_key) as last_position
    from head_tokens

),

head_nouns as (

    -- the last word of the head phrase, and the word before it when the last word is
    -- generic (macro text_generic_nouns)
    select distinct head_positions.text_key, head_positions.word_position
    from head_positions
    where head_positions.word_position = head_positions.last_position
        or (
            head_positions.word_position = head_positions.last_position - 1
            and exists (
                select 1 from head_positions as last_word
                where last_word.text_key = head_positions.text_key
                    and last_word.word_position = last_word.last_position
                    and last_word.word in ({% for w in text_generic_nouns() %}'{{ w }}'{{ ',' if not loop.last }}{% endfor %})
            )
        )

),

head_roles as (

    select
        head_positions.text_key,
        head_positions.token,
        max(case when head_nouns.word_position is not null then 1 else 0 end) as is_head_noun
    from head_positions
    left join head_nouns
        on head_positions.text_key = head_nouns.text_key
        and head_positions.word_position = head_nouns.word_position
    group by head_positions.text_key, head_positions.token

),

synonyms as (

    select term, expansion, weight from {{ ref('text_synonyms') }}

),

synonym_terms as (

    {{ tokenise('synonyms', ['term', 'expansion', 'weight'], 'term') }}

),

synonym_expansions as (

    {{ tokenise('synonyms', ['term', 'expansion', 'weight'], 'expansion') }}

),

synonym_pairs as (

    select distinct
        synonym_terms.token as term_token,
        synonym_expansions.token as expansion_token,
        cast(synonym_expansions.weight as double) as weight
    from synonym_terms
    inner join synonym_expansions
        on synonym_terms.term = synonym_expansions.term
        and synonym_terms.expansion = synonym_expansions.expansion
    where synonym_terms.token != synonym_expansions.token

),

roled_tokens as (

    select
        text_tokens.*,
        case
            when head_roles.is_head_noun = 1 then 'head_noun'
            when head_roles.is_head_noun = 0 then 'head'
            when text_tokens.word in ({% for w in text_material_words() %}'{{ w }}'{{ ',' if not loop.last }}{% endfor %})
                then 'material'
            else 'tail'
        end as role
    from text_tokens
    left join head_roles
        on text_tokens.text_key = head_roles.text_key
        and text_tokens.token = head_roles.token

),

own_terms as (

    select text_key, token, word, word_position, role, 1.0 as weight
    from roled_tokens

),

expanded_terms as (

    select
        roled_tokens.text_key,
        synonym_pairs.expansion_token as token,
        roled_tokens.word,
        roled_tokens.word_position,
        roled_tokens.role,
        synonym_pairs.weight
    from roled_tokens
    inner join synonym_pairs
        on roled_tokens.token = synonym_pairs.term_token

),

all_terms as (

    select * from own_terms
    union all
    select * from expanded_terms

),

ranked as (

    {{ top_n_per_group('all_terms', ['text_key', 'token'],
        "weight desc, case role when 'head_noun' then 1 when 'head' then 2 when 'material' then 3 else 4 end, word_position",
        1, 'term_rank') }}

),

final as (

    select text_key, token, word, word_position, role, weight
    from ranked

)

select * from final
