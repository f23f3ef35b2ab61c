{#- GRI citations in free text -> 'GRI 1, GRI 3(b)' (distinct, sorted). -#}
{% macro extract_gri_citations(column) -%}
    {{ return(adapter.dispatch('extract_gri_citations', 'hsguard')(column)) }}
{%- endmacro %}

{% macro duckdb__extract_gri_citations(column) -%}
    nullif(array_to_string(list_sort(list_distinct(list_transform(
        regexp_extract_all(
            {{ column }},
            '(?:GRIs?|General Rules? of Interpretation(?:\s*\(GRIs?\))?|Rule)\s*([1-6])(?:\s*\(([a-d])\))?'
        ),
        citation -> 'GRI ' || regexp_extract(citation, '([1-6])(?:\s*\(([a-d])\))?$', 1)
            || coalesce('(' || nullif(regexp_extract(citation, '([1-6])\s*\(([a-d])\)$', 2), '') || ')', '')
    ))), ', '), '')
{%- endmacro %}

{% macro spark__extract_gri_citations(column) -%}
    {#- as duckdb__, backslashes doubled (Spark string literals unescape them); group 0 asked
        for explicitly (Spark's regexp_extract_all defaults to group 1) -#}
    nullif(array_join(array_sort(array_distinct(transform(
        regexp_extract_all(
            {{ column }},
            '(?:GRIs?|General Rules? of Interpretation(?:\\s*\\(GRIs?\\))?|Rule)\\s*([1-6])(?:\\s*\\(([a-d])\\))?',
            0
        ),
        citation -> 'GRI ' || regexp_extract(citation, '([1-6])(?:\\s*\\(([a-d])\\))?$', 1)
            || coalesce('(' || nullif(regexp_extract(citation, '([1-6])\\s*\\(([a-d])\\)$', 2), '') || ')', '')
    ))), ', '), '')
{%- endmacro %}
