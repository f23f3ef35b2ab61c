{#- Models land in the schema their folder names (staging, intermediate, marts),
    not in "<target schema>_<custom>": analysts query marts.fct_classification_flags. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
