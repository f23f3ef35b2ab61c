{#- Reusable tables: the table materialisation of hsguard's models.

    A model materialised as `reusable_table` is built like an ordinary table, except in a
    nightly run that finds, in the published warehouse, the same model built from the
    same inputs. The nightly build starts as a copy of the published warehouse
    (flows/nightly.py), so such a table is already there: it is kept as it is (only a
    `run_id` stamp column is set to this run, and its comments are already there)
    instead of being recomputed: on an unchanged catalogue the candidate models alone
    take minutes at 1M products. (The rows the validate stage added to the flags mart
    after dbt are taken out of the copy first: hsguard/dbt.py.) A build that is not
    such a copy copies the published table instead.

    "The same inputs" is an input fingerprint, the md5 of
      - the project's code version (every model, macro, seed and dbt_project.yml file,
        the dbt, dbt-duckdb and DuckDB versions and the dbt vars, computed by the
        nightly flow: hsguard/dbt.py),
      - the model's compiled SQL, with this run's id (HSGUARD_RUN_ID, stamped into a
        few marts) replaced by a placeholder: the stamp is not an input,
      - a token for every relation it reads: for a table, seed or source the count and
        the order-independent sum of the hash of every row, with its column names and
        types (the run stamps `run_id`, `loaded_at`, `_run_id`, `_loaded_at` left out:
        every row of a build holds that build's own); for a view, the tokens of what
        the view reads, recursively; for a table of more than 2 million rows computed
        from tables and seeds only, its own input fingerprint (the same inputs and SQL
        give the same rows, and hashing the largest candidate tables would cost seconds
        at 1M products).
    A table whose content did not change keeps its token even when its own inputs
    changed, so the models below it are still reused ("early cut-off": a new unit
    price changes the products table but not int_products_classified, which every
    check and candidate table reads).

    Never reused: a table whose SQL, or any view it reads, calls a clock or random
    function (current_date, now(), ...) or (views) reads an environment variable; a
    table with a load-time column (`loaded_at`: dim_products carries the raw rows'
    lineage); everything when dbt
    runs without the nightly flow's HSGUARD_REUSE settings (dbt by hand, `hsguard
    suggest`), and such a build also deletes the fingerprint of every table it
    rebuilds, so the next nightly build does not reuse a table built by hand (perhaps
    with other vars). Every table's fingerprint, token and whether it was reused go to
    audit.model_fingerprints, which the next night's build reads from the published file.

    Data tests get the same treatment (duckdb__get_test_sql below). Each node costs a
    handful of small queries, so they are batched: one for the tokens of everything a
    node reads, one to look it up in the published build, one to record it.
-#}

{% materialization reusable_table, adapter="duckdb" %}
  {%- set existing_relation = load_cached_relation(this) -%}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set intermediate_relation = make_intermediate_relation(target_relation) -%}
  {%- set backup_relation = make_backup_relation(target_relation, 'table' if existing_relation is none else existing_relation.type) -%}
  {{ drop_relation_if_exists(load_cached_relation(intermediate_relation)) }}
  {{ drop_relation_if_exists(load_cached_relation(backup_relation)) }}

  {%- set settings = hsguard_build_settings() -%}
  {%- set fingerprint = hsguard_input_fingerprint(settings, model.compiled_code) if settings else none -%}
  {%- set published = hsguard_published_build(settings, fingerprint, target_relation) if fingerprint else none -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {#- The build is a copy of the published warehouse: its table is the published one -#}
  {%- set in_place = published is not none and settings.get('in_place') and existing_relation is not none
                     and existing_relation.type == 'table' -%}
  {%- set stamp = hsguard_sql_literal(settings['run_id']) if settings else none -%}

  {% call statement('main') -%}
    {%- if in_place and published['stamped'] -%}
      update {{ target_relation }} set run_id = {{ stamp }}
    {%- elif in_place -%}
      select 1 as kept
    {%- elif published is not none -%}
      create table {{ intermediate_relation }} as
      select * {% if published['stamped'] %}replace ({{ stamp }} as run_id) {% endif -%}
      from hsguard_published.{{ adapter.quote(target_relation.schema) }}.{{ adapter.quote(target_relation.identifier) }}
    {%- else -%}
      {{ create_table_as(False, intermediate_relation, compiled_code) }}
    {%- endif -%}
  {%- endcall %}

  {% if not in_place %}
    {% if existing_relation is not none %}
      {{ adapter.rename_relation(existing_relation, backup_relation) }}
    {% endif %}
    {{ adapter.rename_relation(intermediate_relation, target_relation) }}
  {% endif %}

  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {% if not in_place %}{% do persist_docs(target_relation, model) %}{% endif %}
  {% if settings %}
    {% do hsguard_record_table(settings, target_relation, fingerprint, published) %}
  {% else %}
    {% do hsguard_forget_table() %}
  {% endif %}
  {{ adapter.commit() }}
  {{ drop_relation_if_exists(backup_relation) }}

  {{ run_hooks(post_hooks, inside_transaction=False) }}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}


{#- On Spark a reusable table is a plain table, rebuilt in full by every build: the
    fingerprints above read DuckDB's catalogue and attach the published DuckDB file. -#}
{% materialization reusable_table, adapter="spark" %}
  {{ return(materialization_table_spark()) }}
{% endmaterialization %}


{#- The nightly flow's settings for this build (HSGUARD_REUSE, JSON: code_version and,
    when there is a published warehouse to reuse from, published), or none. Read at
    run time only, so the value never makes dbt re-parse anything. -#}
{% macro hsguard_build_settings() %}
  {%- set raw = env_var('HSGUARD_REUSE', '') -%}
  {{ return(fromjson(raw) if raw else none) }}
{% endmacro %}


{%- macro hsguard_sql_literal(text) -%}
  '{{ (text | string) | replace("'", "''") }}'
{%- endmacro -%}


{#- Clock and random functions: a table computed with them is never reused. -#}
{% macro hsguard_is_volatile(code) %}
  {{ return(modules.re.search('(?i)\\b(current_date|current_time|current_timestamp|now|today|get_current_time|random|uuid|gen_random_uuid)\\b', code or '') is not none) }}
{% endmacro %}


{#- md5 of the code version, the compiled SQL and the token of every relation read;
    none when the node must not be reused. -#}
{% macro hsguard_input_fingerprint(settings, code) %}
  {%- if hsguard_is_volatile(code) -%}{{ return(none) }}{%- endif -%}
  {%- set tokens = hsguard_parent_tokens(model.depends_on.nodes, settings) -%}
  {%- if tokens is none -%}{{ return(none) }}{%- endif -%}
  {#- the run id stamped into a table is not an input: two runs on the same inputs
      compute the same rows but for it (and a reused table gets the new one) -#}
  {%- set code = code | replace(settings['run_id'], '<run id>') if settings.get('run_id') else code -%}
  {{ return(local_md5(([settings['code_version'], model.unique_id, code] + tokens) | join('\n'))) }}
{% endmacro %}


{#- Walk from `unique_id` through views down to the relations they read: views go to
    `views` (id -> the ids it reads, or none when volatile), the rest to `stored`. -#}
{% macro hsguard_collect(unique_id, views, stored) %}
  {%- if unique_id in views or unique_id in stored -%}{{ return(none) }}{%- endif -%}
  {%- set node = graph.nodes.get(unique_id) or graph.sources.get(unique_id) -%}
  {%- set materialized = node.get('config', {}).get('materialized') if node is not none else none -%}
  {%- if node is not none and node.resource_type == 'model' and materialized in ('view', 'ephemeral') -%}
    {#- a view's token stands for what it reads: one that reads the clock or an
        environment variable (the run id) can change with nothing else changing -#}
    {%- if materialized == 'ephemeral' or hsguard_is_volatile(node.raw_code) or 'env_var' in node.raw_code -%}
      {%- do views.update({unique_id: none}) -%}
    {%- else -%}
      {%- do views.update({unique_id: node.depends_on.nodes | sort}) -%}
      {%- for parent in node.depends_on.nodes -%}{%- do hsguard_collect(parent, views, stored) -%}{%- endfor -%}
    {%- endif -%}
  {%- else -%}
    {%- do stored.update({unique_id: node}) -%}
  {%- endif -%}
{% endmacro %}


{#- A view's token from the tokens of what it reads (none when it or a view it reads
    is volatile, or a relation has no token). -#}
{% macro hsguard_view_token(unique_id, views, tokens) %}
  {%- if unique_id in tokens -%}{{ return(tokens[unique_id]) }}{%- endif -%}
  {%- set parts = ['view', unique_id] -%}
  {%- set ns = namespace(ok=views[unique_id] is not none) -%}
  {%- for parent in (views[unique_id] or []) -%}
    {%- set token = hsguard_view_token(parent, views, tokens) if parent in views else tokens.get(parent) -%}
    {%- if token is none -%}{%- set ns.ok = false -%}{%- endif -%}
    {%- do parts.append(parent ~ '=' ~ token) -%}
  {%- endfor -%}
  {%- set token = local_md5(parts | join('\n')) if ns.ok else none -%}
  {%- do tokens.update({unique_id: token}) -%}
  {{ return(token) }}
{% endmacro %}


{#- ["<id>=<token>", ...] for the relations a node reads, sorted; none when one of them
    has no token. Tables, seeds and sources: one query for the tokens recorded in this
    build, and the missing ones counted and hashed now (and recorded). -#}
{% macro hsguard_parent_tokens(parents, settings) %}
  {%- set views, stored, tokens = {}, {}, {} -%}
  {%- for parent in parents -%}{%- do hsguard_collect(parent, views, stored) -%}{%- endfor -%}
  {%- if stored -%}
    {%- set ids = [] -%}
    {%- for unique_id in stored -%}{%- do ids.append(hsguard_sql_literal(unique_id)) -%}{%- endfor -%}
    {%- set recorded = run_query(
        "select node, max(content_token) from audit.model_fingerprints where content_token is not null "
        ~ "and node in (" ~ ids | join(', ') ~ ") group by node") -%}
    {%- for row in recorded -%}{%- do tokens.update({row[0]: row[1]}) -%}{%- endfor -%}
    {%- for unique_id, node in stored.items() if unique_id not in tokens -%}
      {%- if node is none -%}
        {%- do tokens.update({unique_id: none}) -%}
      {%- else -%}
        {%- do tokens.update({unique_id: hsguard_record_content_token(unique_id, node, settings)}) -%}
      {%- endif -%}
    {%- endfor -%}
  {%- endif -%}
  {%- set parts = [] -%}
  {%- for parent in parents | sort -%}
    {%- set token = hsguard_view_token(parent, views, tokens) if parent in views else tokens.get(parent) -%}
    {%- if token is none -%}{{ return(none) }}{%- endif -%}
    {%- do parts.append(parent ~ '=' ~ token) -%}
  {%- endfor -%}
  {{ return(parts) }}
{% endmacro %}


{#- Count and hash a table, seed or source now, record its token and return it: row
    count, order-independent sum of row hashes, column names and types. -#}
{% macro hsguard_record_content_token(unique_id, node, settings) %}
  {%- set relation = api.Relation.create(
      database=node.database or target.database, schema=node.schema,
      identifier=node.get('alias') or node.get('identifier') or node.name) -%}
  {%- set result = run_query(
      "insert into audit.model_fingerprints (node, input_fingerprint, content_token, reused, code_version) "
      ~ "select " ~ hsguard_sql_literal(unique_id) ~ ", null, md5(count(*)::varchar || ':' "
      ~ "|| coalesce(sum(hash(t)), 0)::varchar || ':' || (select coalesce(string_agg(column_name || ' ' "
      ~ "|| data_type, ', ' order by column_index), '') from duckdb_columns() where database_name = "
      ~ hsguard_sql_literal(relation.database) ~ " and schema_name = " ~ hsguard_sql_literal(relation.schema)
      ~ " and table_name = " ~ hsguard_sql_literal(relation.identifier) ~ ")), null, "
      ~ hsguard_sql_literal(settings['code_version'])
      ~ " from (select columns(c -> c not in ('_loaded_at', '_run_id', 'loaded_at', 'run_id')) from " ~ relation ~ ") as t "
      ~ "returning content_token") -%}
  {{ return(result.columns[0].values()[0]) }}
{% endmacro %}


{#- The published warehouse, read-only, as hsguard_published (once per DuckDB instance). -#}
{% macro hsguard_attach_published(settings) %}
  {%- do run_query("attach if not exists " ~ hsguard_sql_literal(settings['published'])
                   ~ " as hsguard_published (read_only)") -%}
{% endmacro %}


{#- The published build of this model with the same input fingerprint, as
    {'token': its content token or none}; none when there is none. -#}
{% macro hsguard_published_build(settings, fingerprint, relation) %}
  {%- if not settings.get('published') -%}{{ return(none) }}{%- endif -%}
  {%- do hsguard_attach_published(settings) -%}
  {%- set found = run_query(
      "select count(*) filter (where input_fingerprint = " ~ hsguard_sql_literal(fingerprint) ~ "), "
      ~ "max(content_token), (select count(*) from duckdb_tables() where database_name = 'hsguard_published' "
      ~ "and schema_name = " ~ hsguard_sql_literal(relation.schema)
      ~ " and table_name = " ~ hsguard_sql_literal(relation.identifier) ~ "), "
      ~ "(select count(*) from duckdb_columns() where database_name = 'hsguard_published' "
      ~ "and schema_name = " ~ hsguard_sql_literal(relation.schema)
      ~ " and table_name = " ~ hsguard_sql_literal(relation.identifier) ~ " and column_name = 'run_id') "
      ~ "from hsguard_published.audit.model_fingerprints where node = " ~ hsguard_sql_literal(model.unique_id)) -%}
  {%- if found.columns[0].values()[0] == 0 or found.columns[2].values()[0] == 0 -%}{{ return(none) }}{%- endif -%}
  {{ return({'token': found.columns[1].values()[0], 'stamped': found.columns[3].values()[0] > 0}) }}
{% endmacro %}


{#- A table built outside the nightly flow (dbt by hand, perhaps with other vars, on
    the published file) no longer matches its recorded fingerprint: forget it, so the
    next nightly build computes it instead of copying it. -#}
{% macro hsguard_forget_table() %}
  {%- set present = run_query(
      "select count(*) from duckdb_tables() where database_name = current_database() "
      ~ "and schema_name = 'audit' and table_name = 'model_fingerprints'").columns[0].values()[0] -%}
  {%- if present > 0 -%}
    {%- do run_query("delete from audit.model_fingerprints where node = " ~ hsguard_sql_literal(model.unique_id)) -%}
  {%- endif -%}
{% endmacro %}


{#- Tables with more rows than this are not hashed for their token (see below). -#}
{% macro hsguard_hash_rows_max() %}{{ return(2000000) }}{% endmacro %}


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


{#- One row in audit.model_fingerprints. A table with a load-time column is recorded
    without a fingerprint, so the next build never reuses it. A large table (more than
    hsguard_hash_rows_max rows) computed from tables and seeds only gets its fingerprint
    as its token instead of being hashed when a reader needs its token: hashing the
    largest candidate tables costs seconds at 1M products, while a smaller table is
    hashed, so that one which comes out unchanged lets its readers be reused. -#}
{% macro hsguard_record_table(settings, relation, fingerprint, published) %}
  {%- set token = published['token'] if published is not none else none -%}
  {%- set fingerprint_token = 'fingerprint:' ~ fingerprint if (fingerprint and token is none and hsguard_reads_tables_only()) else none -%}
  {%- set fingerprint_sql = hsguard_sql_literal(fingerprint) if fingerprint else 'null' -%}
  {%- call statement('hsguard_record_table') -%}
    insert into audit.model_fingerprints (node, input_fingerprint, content_token, reused, code_version)
    select {{ hsguard_sql_literal(model.unique_id) }},
           case when stamped = 0 then {{ fingerprint_sql }} end,
           {% if token %}{{ hsguard_sql_literal(token) }}
           {% elif fingerprint_token %}case when stamped = 0 and (select count(*) from {{ relation }}) > {{ hsguard_hash_rows_max() }}
                then {{ hsguard_sql_literal(fingerprint_token) }} end
           {% else %}null{% endif %},
           {{ 'true' if published is not none else 'false' }},
           {{ hsguard_sql_literal(settings['code_version']) }}
    from (
        select count(*) as stamped from duckdb_columns()
        where database_name = {{ hsguard_sql_literal(relation.database) }}
          and schema_name = {{ hsguard_sql_literal(relation.schema) }}
          and table_name = {{ hsguard_sql_literal(relation.identifier) }}
          and lower(column_name) in ('loaded_at', '_run_id', '_loaded_at')
    )
  {%- endcall -%}
{% endmacro %}


{#- Data tests: a test whose input fingerprint (code version, compiled SQL, tokens of
    what it reads) is that of a test the published run passed is not run again, since
    it would read the same rows with the same SQL (a test the published run reused in
    turn counts as passed there: its inputs were those of an earlier pass). It reports 0
    failures to dbt and is recorded with reused = true in audit.model_fingerprints, so
    hsguard records it as `reused` in audit.dbt_node_results, never as a pass. -#}
{% macro duckdb__get_test_sql(main_sql, fail_calc, warn_if, error_if, limit) -%}
  {%- set settings = hsguard_build_settings() -%}
  {%- if settings and hsguard_reuse_test(settings, main_sql) -%}
    select 0 as failures, false as should_warn, false as should_error
  {%- else -%}
    {{ dbt.default__get_test_sql(main_sql, fail_calc, warn_if, error_if, limit) }}
  {%- endif -%}
{%- endmacro %}


{% macro hsguard_reuse_test(settings, main_sql) %}
  {%- set fingerprint = hsguard_input_fingerprint(settings, main_sql) -%}
  {%- set ns = namespace(passed=false) -%}
  {%- if fingerprint and settings.get('published') -%}
    {%- do hsguard_attach_published(settings) -%}
    {%- set found = run_query(
        "select count(*) from hsguard_published.audit.model_fingerprints f "
        ~ "join hsguard_published.audit.dbt_node_results r on r.unique_id = f.node "
        ~ "where f.node = " ~ hsguard_sql_literal(model.unique_id)
        ~ " and f.input_fingerprint = " ~ hsguard_sql_literal(fingerprint)
        ~ " and r.status in ('pass', 'reused') and r.run_id = (select max(run_id) from hsguard_published.audit.run_history)"
        ).columns[0].values()[0] -%}
    {%- set ns.passed = found > 0 -%}
  {%- endif -%}
  {%- do run_query(
      "insert into audit.model_fingerprints (node, input_fingerprint, content_token, reused, code_version) "
      ~ "values (" ~ hsguard_sql_literal(model.unique_id) ~ ", "
      ~ (hsguard_sql_literal(fingerprint) if fingerprint else "null") ~ ", null, "
      ~ ("true" if ns.passed else "false") ~ ", " ~ hsguard_sql_literal(settings['code_version']) ~ ")") -%}
  {{ return(ns.passed) }}
{% endmacro %}


{#- `dbt run-operation hsguard_record_source_tokens`: the token of every source (the
    same count and hash as above) recorded in this build's audit.model_fingerprints,
    before a nightly build that starts from a copy of a published build of the same
    code. hsguard/dbt.py compares them with the published tokens to find the nodes
    whose inputs may have changed: only those (and what reads them) are given to
    `dbt build`; every other table and data test keeps its published record. -#}
{% macro hsguard_record_source_tokens() %}
  {%- set settings = hsguard_build_settings() -%}
  {%- if not settings -%}{{ return(none) }}{%- endif -%}
  {%- for unique_id, node in graph.sources.items() | sort -%}
    {%- set relation = adapter.get_relation(database=node.database or target.database,
                                             schema=node.schema, identifier=node.identifier) -%}
    {%- if relation is not none -%}
      {%- do hsguard_record_content_token(unique_id, node, settings) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- do adapter.commit() -%}
{% endmacro %}


{#- `dbt run-operation hsguard_record_kept_nodes --args '{nodes: [...]}'`: the published
    build's fingerprint rows of `nodes` (the nodes hsguard/dbt.py's select_changed does
    not give to `dbt build`: nothing they read changed) recorded as this build's, tables
    and data tests as reused, the content tokens as they are. So this table has one writer,
    this file, and the next build finds the same records as after a full visit. -#}
{% macro hsguard_record_kept_nodes(nodes) %}
  {%- set settings = hsguard_build_settings() -%}
  {%- if not settings or not settings.get('published') or not nodes -%}{{ return(none) }}{%- endif -%}
  {%- do hsguard_attach_published(settings) -%}
  {%- set ids = [] -%}
  {%- for unique_id in nodes -%}{%- do ids.append(hsguard_sql_literal(unique_id)) -%}{%- endfor -%}
  {%- do run_query(
      "insert into audit.model_fingerprints (node, input_fingerprint, content_token, reused, code_version) "
      ~ "select node, input_fingerprint, content_token, case when reused is not null then true end, code_version "
      ~ "from hsguard_published.audit.model_fingerprints where node in (" ~ ids | join(', ') ~ ")") -%}
  {%- do adapter.commit() -%}
{% endmacro %}
