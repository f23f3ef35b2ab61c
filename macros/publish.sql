{#- Publishing a build made in schemas of its own (HSGUARD_SCHEMA_PREFIX, see
    generate_schema_name): `dbt run-operation publish_views --args '{prefix: run_..._,
    tables: {marts: [...], reports: [...]}, stale: {marts: [...]}}'` points one stable
    view <schema>.<name> at each table <prefix><schema>.<name> the build made (marts and
    reports: what readers query), then drops the stable views the build has no table for
    (stale). Readers switch view by view, each atomically; a build that failed is never
    published, so its readers keep the last published tables. The Spark engine publishes
    this way (hsguard/spark_publish.py lists the tables). -#}
{% macro publish_views(prefix, tables, stale={}) %}
    {%- for schema, names in tables.items() -%}
        {%- if names | length == 0 -%}
            {{ exceptions.raise_compiler_error('the build has no table in ' ~ prefix ~ schema ~ ': nothing published') }}
        {%- endif -%}
        {%- do adapter.create_schema(api.Relation.create(schema=schema)) -%}
        {%- for name in names -%}
            {%- set view = api.Relation.create(schema=schema, identifier=name) -%}
            {%- set built = api.Relation.create(schema=prefix ~ schema, identifier=name) -%}
            {%- do run_query('create or replace view ' ~ view ~ ' as select * from ' ~ built) -%}
        {%- endfor -%}
        {{ log('published ' ~ names | length ~ ' views in ' ~ schema ~ ' (' ~ prefix ~ schema ~ ')', info=true) }}
    {%- endfor -%}
    {%- for schema, names in stale.items() -%}
        {%- for name in names -%}
            {%- do adapter.drop_relation(api.Relation.create(schema=schema, identifier=name, type='view')) -%}
        {%- endfor -%}
    {%- endfor -%}
{% endmacro %}
