{#- ECCN normalisation: '5a002 a.1' -> '5A002.a.1', 'ear 99' -> 'EAR99' (same rules as
    hsguard.codes.normalise_eccn). -#}
{% macro normalise_eccn(column) -%}
    {{ return(adapter.dispatch('normalise_eccn', 'hsguard')(column)) }}
{%- endmacro %}

{% macro duckdb__normalise_eccn(column) -%}
    {#- trimmed, runs of ASCII whitespace (spelled out, as in hsguard.codes) made one space -#}
    {%- set text = "regexp_replace(regexp_replace(" ~ column ~ ", '^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$', '', 'g'), '[ \t\n\r\f\v]+', ' ', 'g')" -%}
    {%- set dotted = "replace(" ~ text ~ ", ' ', '.')" -%}
    case
        when nullif({{ text }}, '') is null then null
        when upper(replace({{ text }}, ' ', '')) = 'EAR99' then 'EAR99'
        else
            upper(split_part({{ dotted }}, '.', 1))
            || coalesce('.' || nullif(lower(substr({{ dotted }}, length(split_part({{ dotted }}, '.', 1)) + 2)), ''), '')
    end
{%- endmacro %}

{% macro spark__normalise_eccn(column) -%}
    {#- as duckdb__ (Spark's regexp_replace replaces every match; backslashes doubled) -#}
    {%- set text = "regexp_replace(regexp_replace(" ~ column ~ ", '^[ \\\\t\\\\n\\\\r\\\\f\\\\x0B]+|[ \\\\t\\\\n\\\\r\\\\f\\\\x0B]+$', ''), '[ \\\\t\\\\n\\\\r\\\\f\\\\x0B]+', ' ')" -%}
    {%- set dotted = "replace(" ~ text ~ ", ' ', '.')" -%}
    case
        when nullif({{ text }}, '') is null then null
        when upper(replace({{ text }}, ' ', '')) = 'EAR99' then 'EAR99'
        else
            upper(split_part({{ dotted }}, '.', 1))
            || coalesce('.' || nullif(lower(substr({{ dotted }}, length(split_part({{ dotted }}, '.', 1)) + 2)), ''), '')
    end
{%- endmacro %}

{% macro is_valid_eccn(column) -%}
    {{ return(adapter.dispatch('is_valid_eccn', 'hsguard')(column)) }}
{%- endmacro %}

{% macro duckdb__is_valid_eccn(column) -%}
    ({{ column }} = 'EAR99' or regexp_full_match({{ column }}, '[0-9][A-E][0-9]{3}(\.[a-z0-9]+)*'))
{%- endmacro %}

{% macro spark__is_valid_eccn(column) -%}
    ({{ column }} = 'EAR99' or {{ hsguard.regex_full_match(column, '[0-9][A-E][0-9]{3}(\\.[a-z0-9]+)*') }})
{%- endmacro %}

{#- Severity of a party-screening match (docs/SCREENING.md), by evidence: the same name with
    the destination among the entry's countries -> critical; the same name without that, or a
    strong fuzzy match (score >= var screening_strong_score) with it -> high; any other match
    kept (score >= screening_review_score) -> medium, "possible match, review". Used by
    int_party_screening_matches and the evaluation data test alike. -#}
{% macro party_match_severity(match_kind, score, is_corroborated) -%}
    case
        when {{ match_kind }} = 'exact' and coalesce({{ is_corroborated }}, false) then 'critical'
        when {{ match_kind }} = 'exact' then 'high'
        when {{ score }} >= {{ var('screening_strong_score') }} and coalesce({{ is_corroborated }}, false) then 'high'
        else 'medium'
    end
{%- endmacro %}

{#- Whether a destination country is one of an entry's address countries (comma-separated
    ISO-2 codes); null when the entry has none. -#}
{% macro party_country_corroborates(destination_country, entry_countries) -%}
    case
        when {{ entry_countries }} is null or {{ destination_country }} is null then null
        else {{ hsguard.csv_contains(entry_countries, destination_country) }}
    end
{%- endmacro %}
