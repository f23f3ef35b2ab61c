{#- Publishing a build made in schemas of its own (HSGUARD_SCHEMA_PREFIX, see
    generate_schema_name): `dbt run-operation publish_views --args '{prefix: run_..._}'`
    points one stable view <schema>.<name> at every relation <prefix><schema>.<name>
    (marts and reports: what readers query), then drops the views of that schema the
    build has no relation for. Readers switch view by view, each atomically; a build
    that failed is never published, so its readers keep the last published tables.
    The Spark engine publishes this way (hsguard/spark_publish.py). -#}
{% macro publish_views(prefix, schemas=['marts', 'reports']) %}
    {%- for schema in schemas -%}
        {%- set built_in = api.Relation.create(database=target.database, schema=prefix ~ schema) -%}
        {%- set names = adapter.list_relations_without_caching(built_in) | map(attribute='identifier') | list -%}
        {%- if names | length == 0 -%}
            {{ exceptions.raise_compiler_error('the build has no relation in ' ~ prefix ~ schema ~ ': nothing published') }}
        {%- endif -%}
        {%- set stable = api.Relation.create(database=target.database, schema=schema) -%}
        {%- do adapter.create_schema(stable) -%}
        {%- for name in names | sort -%}
            {%- set view = api.Relation.create(database=target.database, schema=schema, identifier=name) -%}
            {%- set source = api.Relation.create(database=target.database, schema=prefix ~ schema, identifier=name) -%}
            {%- do run_query('create or replace view ' ~ view ~ ' as select * from ' ~ source) -%}
        {%- endfor -%}
        {%- for old in adapter.list_relations_without_caching(stable) -%}
            {%- if old.identifier not in names -%}
                {%- do adapter.drop_relation(old) -%}
            {%- endif -%}
        {%- endfor -%}
        {{ log('published ' ~ names | length ~ ' views in ' ~ schema ~ ' (' ~ prefix ~ schema ~ ')', info=true) }}
    {%- endfor -%}
{% endmacro %}
