{#- Models land in the schema their folder names (staging, intermediate, marts),
    not in "<target schema>_<custom>": analysts query marts.fct_classification_flags.
    HSGUARD_SCHEMA_PREFIX (empty unless set) puts a whole build into schemas of its own:
    a Spark run builds into run_<id>_marts etc. and publishes by repointing the views
    of marts and reports (hsguard/spark_publish.py). -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ env_var('HSGUARD_SCHEMA_PREFIX', '') }}{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
