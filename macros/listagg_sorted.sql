{#- An ordered listagg: the values of `measure` joined by `delimiter_text` in the order
    of `sort_keys`, a list of ascending sort expressions (a descending numeric key is
    given negated, '-idf'); the keys must order the group's rows completely. Null values
    are skipped; null when every value is null (as dbt.listagg).

    On DuckDB, `string_agg(... order by ...)` keeps a sort per group: on the evidence of
    100k products (about 220,000 groups of a few words) it cost three times the CPU of
    collecting the values with their keys and sorting each small list
    (docs/BENCHMARKS.md); the result is the same string. Elsewhere dbt.listagg with the
    keys as its order by. -#}
{% macro listagg_sorted(measure, delimiter_text, sort_keys) -%}
    {{ return(adapter.dispatch('listagg_sorted', 'hsguard')(measure, delimiter_text, sort_keys)) }}
{%- endmacro %}

{% macro default__listagg_sorted(measure, delimiter_text, sort_keys) -%}
    {{ dbt.listagg(measure, delimiter_text, 'order by ' ~ sort_keys | join(', ')) }}
{%- endmacro %}

{% macro duckdb__listagg_sorted(measure, delimiter_text, sort_keys) -%}
    list_aggr(
        list_transform(
            list_sort(list(struct_pack(
                {%- for key in sort_keys %}k{{ loop.index }} := {{ key }}, {% endfor -%}
                v := {{ measure }}))),
            x -> x.v
        ),
        'string_agg', {{ delimiter_text }}
    )
{%- endmacro %}
