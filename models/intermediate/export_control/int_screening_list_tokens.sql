{{ config(materialized='reusable_table') }}

{#- The words of the screening list's distinct name keys (int_screening_list_names) with
    their weight, learnt from the list itself: ln(1 + N / n), N = distinct list name keys,
    n = keys holding the word (IDF), so "general", "trading", "university" weigh little and
    a rare name word a lot. `unseen_weight` (ln(1 + N)) is the weight of a word the list
    does not hold. Depends on the list edition only: reused night after night. -#}

with

list_names as (

    select name_key
    from {{ ref('int_screening_list_names') }}
    where name_key is not null

),

list_keys as (

    select distinct name_key from list_names

),

list_key_tokens as (

    select list_keys.name_key, tokens.token
    from list_keys
    {{ hsguard.unnest_join(hsguard.split_text('list_keys.name_key', ' '), 'tokens', 'token') }}

),

list_size as (

    select count(*) as list_key_count from list_keys

),

token_counts as (

    select token, count(*) as list_name_count
    from list_key_tokens
    group by token

),

final as (

    select
        list_key_tokens.name_key,
        list_key_tokens.token,
        token_counts.list_name_count,
        ln(1 + list_size.list_key_count / token_counts.list_name_count) as weight,
        ln(1 + list_size.list_key_count) as unseen_weight

    from list_key_tokens
    inner join token_counts
        on list_key_tokens.token = token_counts.token
    cross join list_size

)

select * from final
