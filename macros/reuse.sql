{#- Reusable tables: the table materialisation of hsguard's models.

    A model materialised as `reusable_table` is built like an ordinary table, except in a
    nightly run that finds, in the published warehouse, the same model built from the
    same inputs: then the published table is copied instead of recomputed (on an
    unchanged catalogue the candidate models alone take minutes at 1M products).

    "The same inputs" is an input fingerprint, the md5 of
      - the project's code version (every model, macro, seed and dbt_project.yml file,
        the dbt, dbt-duckdb and DuckDB versions and the dbt vars: written by the nightly
        flow into audit.build_settings before `dbt build`),
      - the model's compiled SQL,
      - a token for every relation it reads: for a table, seed or source the count and
        the order-independent sum of the hash of every row, with its column names and
        types (a source's `_loaded_at`/`_run_id` lineage columns left out: they change
        every night); for a view, the tokens of what the view reads, recursively; for a
        table computed from tables and seeds only, its own input fingerprint (the same
        inputs and SQL give the same rows, and hashing the largest candidate tables
        would cost seconds at 1M products).
    A table whose content did not change keeps its token even when its own inputs
    changed, so the models below it are still reused ("early cut-off": a new unit
    price changes the products table but not the descriptions the candidates read).

    Never reused: a table whose SQL, or any view it reads, calls a clock or random
    function (current_date, now(), ...) or (views) reads an environment variable; a
    table with a run-stamped column (run_id,
    loaded_at), including every mart that stamps HSGUARD_RUN_ID (its SQL changes every
    run anyway); everything when the build has no audit.build_settings (dbt run by hand,
    `hsguard suggest`). Every table's fingerprint, token and whether it was reused go to
    audit.model_fingerprints, which the next night's build reads from the published file.
-#}

{% materialization reusable_table, adapter="duckdb" %}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
  {%- set backup_relation = make_backup_relation(target_relation, 'table' if existing_relation is none else existing_relation.type) -%}
  {{ drop_relation_if_exists(load_cached_relation(intermediate_relation)) }}
  {{ drop_relation_if_exists(load_cached_relation(backup_relation)) }}

  {%- set settings = hsguard_build_settings() -%}
  {%- set fingerprint = hsguard_input_fingerprint(settings) if settings else none -%}
  {%- set published = hsguard_published_build(settings, fingerprint, target_relation) if fingerprint else none -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {% call statement('main') -%}
    {%- if published is not none -%}
      create table {{ intermediate_relation }} as
      select * from hsguard_published.{{ adapter.quote(target_relation.schema) }}.{{ adapter.quote(target_relation.identifier) }}
    {%- else -%}
      {{ create_table_as(False, intermediate_relation, compiled_code) }}
    {%- endif -%}
  {%- endcall %}

  {% if existing_relation is not none %}
    {{ adapter.rename_relation(existing_relation, backup_relation) }}
  {% endif %}
  {{ adapter.rename_relation(intermediate_relation, target_relation) }}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {% do persist_docs(target_relation, model) %}
  {% if settings %}
    {% do hsguard_record_fingerprint(settings, target_relation, fingerprint, published) %}
  {% endif %}
  {{ adapter.commit() }}
  {{ drop_relation_if_exists(backup_relation) }}

  {{ run_hooks(post_hooks, inside_transaction=False) }}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}


{#- The nightly flow's settings for this build, or none (dbt by hand: plain tables). -#}
{% macro hsguard_build_settings() %}
  {%- set present = run_query(
      "select count(*) from duckdb_tables() where database_name = current_database() "
      ~ "and schema_name = 'audit' and table_name = 'build_settings'").columns[0].values()[0] -%}
  {%- if present == 0 -%}{{ return(none) }}{%- endif -%}
  {%- set rows = run_query("select key, value from audit.build_settings") -%}
  {%- set settings = {} -%}
  {%- for row in rows -%}{%- do settings.update({row[0]: row[1]}) -%}{%- endfor -%}
  {{ return(settings) }}
{% endmacro %}


{%- macro hsguard_sql_literal(text) -%}
  '{{ (text | string) | replace("'", "''") }}'
{%- endmacro -%}


{#- Clock and random functions: a table computed with them is never reused. -#}
{% macro hsguard_is_volatile(code) %}
  {{ return(modules.re.search('(?i)\\b(current_date|current_time|current_timestamp|now|today|get_current_time|random|uuid|gen_random_uuid)\\b', code or '') is not none) }}
{% endmacro %}


{#- md5 of the code version, the compiled SQL and the token of every relation read;
    none when the model must not be reused. -#}
{% macro hsguard_input_fingerprint(settings) %}
  {%- if hsguard_is_volatile(model.compiled_code) -%}{{ return(none) }}{%- endif -%}
  {%- set parts = [settings['code_version'], model.unique_id, model.compiled_code] -%}
  {%- for parent in model.depends_on.nodes | sort -%}
    {%- set token = hsguard_node_token(parent, settings) -%}
    {%- if token is none -%}{{ return(none) }}{%- endif -%}
    {%- do parts.append(parent ~ '=' ~ token) -%}
  {%- endfor -%}
  {{ return(local_md5(parts | join('\n'))) }}
{% endmacro %}


{#- The token of one node this build reads: recorded in audit.model_fingerprints, or
    (views) derived from what the view reads, or counted and hashed now. -#}
{% macro hsguard_node_token(unique_id, settings) %}
  {%- set node = graph.nodes.get(unique_id) or graph.sources.get(unique_id) -%}
  {%- if node is none -%}{{ return(none) }}{%- endif -%}
  {%- set materialized = node.get('config', {}).get('materialized') -%}
  {%- if node.resource_type == 'model' and materialized == 'view' -%}
    {#- a view's token stands for what it reads: one that reads the clock or an
        environment variable (the run id) can change with nothing else changing -#}
    {%- if hsguard_is_volatile(node.raw_code) or 'env_var' in node.raw_code -%}{{ return(none) }}{%- endif -%}
    {%- set parts = ['view', unique_id] -%}
    {%- for parent in node.depends_on.nodes | sort -%}
      {%- set token = hsguard_node_token(parent, settings) -%}
      {%- if token is none -%}{{ return(none) }}{%- endif -%}
      {%- do parts.append(parent ~ '=' ~ token) -%}
    {%- endfor -%}
    {{ return(local_md5(parts | join('\n'))) }}
  {%- elif node.resource_type == 'model' and materialized == 'ephemeral' -%}
    {{ return(none) }}
  {%- endif -%}
  {%- set recorded = run_query(
      "select max(content_token) from audit.model_fingerprints where node = "
      ~ hsguard_sql_literal(unique_id)).columns[0].values()[0] -%}
  {%- if recorded -%}{{ return(recorded) }}{%- endif -%}
  {%- set relation = api.Relation.create(
      database=node.database or target.database, schema=node.schema,
      identifier=node.get('alias') or node.get('identifier') or node.name) -%}
  {%- set token = hsguard_content_token(relation) -%}
  {%- do run_query(
      "insert into audit.model_fingerprints (node, input_fingerprint, content_token, reused, code_version) "
      ~ "values (" ~ hsguard_sql_literal(unique_id) ~ ", null, " ~ hsguard_sql_literal(token) ~ ", null, "
      ~ hsguard_sql_literal(settings['code_version']) ~ ")") -%}
  {{ return(token) }}
{% endmacro %}


{#- Row count, order-independent sum of row hashes, and the column names and types. -#}
{% macro hsguard_content_token(relation) %}
  {%- set result = run_query(
      "select count(*), coalesce(sum(hash(t)), 0)::varchar from (select columns(c -> c not in "
      ~ "('_loaded_at', '_run_id')) from " ~ relation ~ ") as t") -%}
  {%- set columns = run_query(
      "select coalesce(string_agg(column_name || ' ' || data_type, ', ' order by column_index), '') "
      ~ "from duckdb_columns() where database_name = " ~ hsguard_sql_literal(relation.database)
      ~ " and schema_name = " ~ hsguard_sql_literal(relation.schema)
      ~ " and table_name = " ~ hsguard_sql_literal(relation.identifier)) -%}
  {{ return(local_md5(result.columns[0].values()[0] ~ ':' ~ result.columns[1].values()[0] ~ ':'
                      ~ columns.columns[0].values()[0])) }}
{% endmacro %}


{#- The published build of this model with the same input fingerprint, as
    {'token': its content token or none}; none when there is none. -#}
{% macro hsguard_published_build(settings, fingerprint, relation) %}
  {%- if not settings.get('published') -%}{{ return(none) }}{%- endif -%}
  {%- do run_query("attach if not exists " ~ hsguard_sql_literal(settings['published'])
                   ~ " as hsguard_published (read_only)") -%}
  {%- set present = run_query(
      "select count(*) filter (where schema_name = 'audit' and table_name = 'model_fingerprints'), "
      ~ "count(*) filter (where schema_name = " ~ hsguard_sql_literal(relation.schema)
      ~ " and table_name = " ~ hsguard_sql_literal(relation.identifier) ~ ") "
      ~ "from duckdb_tables() where database_name = 'hsguard_published'") -%}
  {%- if present.columns[0].values()[0] == 0 or present.columns[1].values()[0] == 0 -%}
    {{ return(none) }}
  {%- endif -%}
  {%- set found = run_query(
      "select count(*) filter (where input_fingerprint = " ~ hsguard_sql_literal(fingerprint) ~ "), "
      ~ "max(content_token) from hsguard_published.audit.model_fingerprints "
      ~ "where node = " ~ hsguard_sql_literal(model.unique_id)) -%}
  {%- if found.columns[0].values()[0] == 0 -%}{{ return(none) }}{%- endif -%}
  {{ return({'token': found.columns[1].values()[0]}) }}
{% endmacro %}


{#- True when every relation the model reads is a table model or a seed. -#}
{% macro hsguard_reads_tables_only() %}
  {%- for parent in model.depends_on.nodes -%}
    {%- set node = graph.nodes.get(parent) -%}
    {%- if node is none -%}{{ return(false) }}{%- endif -%}
    {%- set materialized = node.get('config', {}).get('materialized') -%}
    {%- if not (node.resource_type == 'seed' or (node.resource_type == 'model'
                and materialized in ('reusable_table', 'table'))) -%}
      {{ return(false) }}
    {%- endif -%}
  {%- endfor -%}
  {{ return(true) }}
{% endmacro %}


{#- One row in audit.model_fingerprints. A table with a run-stamped column is recorded
    without a fingerprint, so the next build never reuses it. -#}
{% macro hsguard_record_fingerprint(settings, relation, fingerprint, published) %}
  {%- set stamped = run_query(
      "select count(*) from duckdb_columns() where database_name = " ~ hsguard_sql_literal(relation.database)
      ~ " and schema_name = " ~ hsguard_sql_literal(relation.schema)
      ~ " and table_name = " ~ hsguard_sql_literal(relation.identifier)
      ~ " and lower(column_name) in ('run_id', 'loaded_at', '_run_id', '_loaded_at')").columns[0].values()[0] -%}
  {%- set kept = fingerprint if (fingerprint and stamped == 0) else none -%}
  {%- set token = published['token'] if published is not none else none -%}
  {%- if token is none and kept and hsguard_reads_tables_only() -%}
    {#- Computed from tables and seeds only: its fingerprint already stands for its
        content (same inputs, same SQL, same rows), so it is not hashed again. -#}
    {%- set token = 'fingerprint:' ~ kept -%}
  {%- endif -%}
  {%- call statement('hsguard_record_fingerprint') -%}
    insert into audit.model_fingerprints (node, input_fingerprint, content_token, reused, code_version)
    values ({{ hsguard_sql_literal(model.unique_id) }},
            {{ hsguard_sql_literal(kept) if kept else 'null' }},
            {{ hsguard_sql_literal(token) if token else 'null' }},
            {{ 'true' if published is not none else 'false' }},
            {{ hsguard_sql_literal(settings['code_version']) }})
  {%- endcall -%}
{% endmacro %}


{#- Data tests get the same treatment: a test whose input fingerprint (code version,
    compiled SQL, tokens of what it reads) is that of a test the published run passed
    is not run again, since it would read the same rows with the same SQL. It reports
    0 failures and is recorded with reused = true in audit.model_fingerprints. -#}
{% macro duckdb__get_test_sql(main_sql, fail_calc, warn_if, error_if, limit) -%}
  {%- set settings = hsguard_build_settings() -%}
  {%- if settings and hsguard_reuse_test(settings, main_sql) -%}
    select 0 as failures, false as should_warn, false as should_error
  {%- else -%}
    {{ dbt.default__get_test_sql(main_sql, fail_calc, warn_if, error_if, limit) }}
  {%- endif -%}
{%- endmacro %}


{% macro hsguard_reuse_test(settings, main_sql) %}
  {%- set parts = [settings['code_version'], model.unique_id, main_sql] -%}
  {%- set ns = namespace(fingerprint=none, passed=false) -%}
  {%- if not hsguard_is_volatile(main_sql) -%}
    {%- for parent in model.depends_on.nodes | sort -%}
      {%- set token = hsguard_node_token(parent, settings) -%}
      {%- do parts.append(parent ~ '=' ~ (token or 'volatile')) -%}
      {%- if token is none -%}{%- do parts.append('never') -%}{%- endif -%}
    {%- endfor -%}
    {%- if 'never' not in parts -%}{%- set ns.fingerprint = local_md5(parts | join('\n')) -%}{%- endif -%}
  {%- endif -%}
  {%- if ns.fingerprint and settings.get('published') -%}
    {%- do run_query("attach if not exists " ~ hsguard_sql_literal(settings['published'])
                     ~ " as hsguard_published (read_only)") -%}
    {%- set present = run_query(
        "select count(*) from duckdb_tables() where database_name = 'hsguard_published' "
        ~ "and schema_name = 'audit' and table_name in ('model_fingerprints', 'dbt_node_results', 'run_history')"
        ).columns[0].values()[0] -%}
    {%- if present == 3 -%}
      {%- set found = run_query(
          "select count(*) from hsguard_published.audit.model_fingerprints f "
          ~ "join hsguard_published.audit.dbt_node_results r on r.unique_id = f.node "
          ~ "where f.node = " ~ hsguard_sql_literal(model.unique_id)
          ~ " and f.input_fingerprint = " ~ hsguard_sql_literal(ns.fingerprint)
          ~ " and r.status = 'pass' and r.run_id = (select max(run_id) from hsguard_published.audit.run_history)"
          ).columns[0].values()[0] -%}
      {%- set ns.passed = found > 0 -%}
    {%- endif -%}
  {%- endif -%}
  {%- do run_query(
      "insert into audit.model_fingerprints (node, input_fingerprint, content_token, reused, code_version) "
      ~ "values (" ~ hsguard_sql_literal(model.unique_id) ~ ", "
      ~ (hsguard_sql_literal(ns.fingerprint) if ns.fingerprint else "null") ~ ", null, "
      ~ ("true" if ns.passed else "false") ~ ", " ~ hsguard_sql_literal(settings['code_version']) ~ ")") -%}
  {{ return(ns.passed) }}
{% endmacro %}
