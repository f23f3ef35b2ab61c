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

{% macro is_valid_eccn(column) -%}
    {{ return(adapter.dispatch('is_valid_eccn', 'hsguard')(column)) }}
{%- endmacro %}

{% macro duckdb__is_valid_eccn(column) -%}
    ({{ column }} = 'EAR99' or regexp_full_match({{ column }}, '[0-9][A-E][0-9]{3}(\.[a-z0-9]+)*'))
{%- endmacro %}

{#- Party names for screening: lower case, accents and punctuation removed, legal-form
    words dropped (the only implementation: no Python copy). -#}
{% macro normalise_party_name(column) -%}
    {{ return(adapter.dispatch('normalise_party_name', 'hsguard')(column)) }}
{%- endmacro %}

{% macro duckdb__normalise_party_name(column) -%}
    {%- set legal_forms = "llc|llp|lp|ltd|limited|co|corp|corporation|company|inc|incorporated|plc|gmbh|ag|kg|mbh|jsc|ojsc|cjsc|pjsc|ooo|oao|zao|pao|ao|sa|sas|sarl|srl|spa|bv|nv|pte|pty|pvt|fze|fzco|fzc|kft|sro|doo|tov" -%}
    trim(regexp_replace(
        regexp_replace(regexp_replace(
            ' ' || regexp_replace(strip_accents(lower({{ column }})), '[^a-z0-9]+', ' ', 'g') || ' ',
            ' ({{ legal_forms }}) ', ' ', 'g'),
            ' ({{ legal_forms }}) ', ' ', 'g'),
        '\s+', ' ', 'g'))
{%- endmacro %}
