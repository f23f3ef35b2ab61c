{#- Code normalisation, shared by every check. DuckDB-specific SQL lives only in the
    duckdb__ implementations; other adapters fall back to the portable default__. -#}

{% macro strip_code_separators(column) -%}
    {{ return(adapter.dispatch('strip_code_separators', 'hsguard')(column)) }}
{%- endmacro %}

{% macro default__strip_code_separators(column) -%}
    replace(replace(replace(trim({{ column }}), '.', ''), ' ', ''), '-', '')
{%- endmacro %}

{% macro duckdb__strip_code_separators(column) -%}
    {#- ASCII whitespace spelled out: RE2's \s leaves out \v, Python's takes in Unicode spaces -#}
    regexp_replace({{ column }}, '[.\t\n\r\f\v -]', '', 'g')
{%- endmacro %}

{% macro spark__strip_code_separators(column) -%}
    {#- the same ASCII whitespace as DuckDB's (Java's \v is a class of its own: \x0B) -#}
    regexp_replace({{ column }}, '[.\\t\\n\\r\\f\\x0B -]', '')
{%- endmacro %}


{% macro is_all_digits(column) -%}
    {{ return(adapter.dispatch('is_all_digits', 'hsguard')(column)) }}
{%- endmacro %}

{% macro default__is_all_digits(column) -%}
    ({{ column }} rlike '^[0-9]+$')
{%- endmacro %}

{% macro duckdb__is_all_digits(column) -%}
    regexp_full_match({{ column }}, '[0-9]+')
{%- endmacro %}

{% macro spark__is_all_digits(column) -%}
    {{ hsguard.regex_full_match(column, '[0-9]+') }}
{%- endmacro %}


{#- Dotted display form of an HTSUS code: 0101210010 -> 0101.21.00.10 -#}
{% macro format_hts(column) -%}
    case
        when length({{ column }}) <= 4 then {{ column }}
        when length({{ column }}) <= 6 then substr({{ column }}, 1, 4) || '.' || substr({{ column }}, 5)
        when length({{ column }}) <= 8 then substr({{ column }}, 1, 4) || '.' || substr({{ column }}, 5, 2) || '.' || substr({{ column }}, 7)
        else substr({{ column }}, 1, 4) || '.' || substr({{ column }}, 5, 2) || '.' || substr({{ column }}, 7, 2) || '.' || substr({{ column }}, 9)
    end
{%- endmacro %}


{#- Description key for peer comparison: lower case, punctuation to spaces, spaces collapsed. -#}
{% macro normalise_description(column) -%}
    {{ return(adapter.dispatch('normalise_description', 'hsguard')(column)) }}
{%- endmacro %}

{% macro default__normalise_description(column) -%}
    lower(trim({{ column }}))
{%- endmacro %}

{% macro duckdb__normalise_description(column) -%}
    trim(regexp_replace(regexp_replace(lower({{ column }}), '[^a-z0-9%]+', ' ', 'g'), '\s+', ' ', 'g'))
{%- endmacro %}

{% macro spark__normalise_description(column) -%}
    trim(regexp_replace(regexp_replace(lower({{ column }}), '[^a-z0-9%]+', ' '), ' +', ' '))
{%- endmacro %}
