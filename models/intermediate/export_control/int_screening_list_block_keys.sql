{{ config(materialized='reusable_table') }}

{#- The token index of the screening list (blocking keys for int_party_name_matches): per
    list name key and word (with its weight), the word ('w:' word) and, for words of 5+ letters, the word and the word
    with any one letter deleted ('d:' keys: a symmetric-deletion index, two words one edit
    apart share one). A key held by more than var screening_max_block_names list names
    finds too many candidates to be useful and is left out (its word still scores). Depends
    on the list edition only. -#}

with

list_key_tokens as (

    select name_key, token, weight
    from {{ ref('int_screening_list_tokens') }}
    -- every key made from a word held by more names than that is held by as many: unusable
    where list_name_count <= {{ var('screening_max_block_names') }}

),

block_keys as (

    select distinct list_key_tokens.name_key, list_key_tokens.token, list_key_tokens.weight, keys.block_key
    from list_key_tokens
    {{ hsguard.unnest_join(
        "case
            when length(list_key_tokens.token) >= 5
                then " ~ hsguard.list_concat([
                    hsguard.text_list(["'w:' || list_key_tokens.token", "'d:' || list_key_tokens.token"]),
                    hsguard.one_letter_deletions('list_key_tokens.token', "'d:'"),
                ]) ~ "
            else " ~ hsguard.text_list(["'w:' || list_key_tokens.token"]) ~ "
        end",
        'keys', 'block_key'
    ) }}

),

usable as (

    select block_key
    from (select distinct name_key, block_key from block_keys) as name_keys
    group by block_key
    having count(*) <= {{ var('screening_max_block_names') }}

),

final as (

    select block_keys.name_key, block_keys.token, block_keys.weight, block_keys.block_key
    from block_keys
    inner join usable
        on block_keys.block_key = usable.block_key

)

select * from final
