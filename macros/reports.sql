{#- Helpers of the report feeds (models/reports): DuckDB forms behind dispatched macros,
    so another adapter (Spark) can supply its own. -#}

{#- The run id the nightly flow stamps on this build ("manual" by hand). -#}
{% macro hsguard_run_id() -%}
    '{{ env_var("HSGUARD_RUN_ID", "manual") }}'
{%- endmacro %}


{#- An integer as text with thousands separators: 1,234,567. -#}
{% macro thousands(expression) -%}
    {{ return(adapter.dispatch('thousands', 'hsguard')(expression)) }}
{%- endmacro %}

{% macro default__thousands(expression) -%}
    format_number({{ expression }}, 0)
{%- endmacro %}

{% macro duckdb__thousands(expression) -%}
    format('{:,}', {{ expression }})
{%- endmacro %}


{#- The distinct non-null values of an expression, sorted, as a list (an aggregate). -#}
{% macro distinct_sorted_list(expression) -%}
    {{ return(adapter.dispatch('distinct_sorted_list', 'hsguard')(expression)) }}
{%- endmacro %}

{% macro default__distinct_sorted_list(expression) -%}
    array_sort(collect_set({{ expression }}))
{%- endmacro %}

{% macro duckdb__distinct_sorted_list(expression) -%}
    list(distinct {{ expression }} order by {{ expression }}) filter (where {{ expression }} is not null)
{%- endmacro %}

{% macro spark__distinct_sorted_list(expression) -%}
    {#- null, not an empty list, when there is no value (as DuckDB's) -#}
    case when count({{ expression }}) > 0 then array_sort(collect_set({{ expression }})) end
{%- endmacro %}


{#- The distinct values of an expression, sorted, joined by ", " (an aggregate). -#}
{% macro distinct_sorted_text(expression) -%}
    {{ return(adapter.dispatch('distinct_sorted_text', 'hsguard')(expression)) }}
{%- endmacro %}

{% macro default__distinct_sorted_text(expression) -%}
    array_join(array_sort(collect_set({{ expression }})), ', ')
{%- endmacro %}

{% macro duckdb__distinct_sorted_text(expression) -%}
    string_agg(distinct {{ expression }}, ', ' order by {{ expression }})
{%- endmacro %}

{% macro spark__distinct_sorted_text(expression) -%}
    case when count({{ expression }}) > 0 then array_join(array_sort(collect_set({{ expression }})), ', ') end
{%- endmacro %}


{#- The day of the run: the UTC date its run id carries; today's date for a run without one
    ("manual"). Checks that count days "before the run" read this, not the clock, so that
    one run's models agree however long the run takes (and a Spark build of the same run,
    hsguard parity, sees the same day). -#}
{% macro hsguard_run_date() -%}
    coalesce(cast({{ run_id_started_at(hsguard_run_id()) }} as date), current_date)
{%- endmacro %}


{#- The start time a run id carries (20261123T020000Z-3fa9c1 -> 2026-11-23 02:00:00+00, a UTC timestamp);
    null for any other text ("manual"). -#}
{% macro run_id_started_at(expression) -%}
    {{ return(adapter.dispatch('run_id_started_at', 'hsguard')(expression)) }}
{%- endmacro %}

{% macro default__run_id_started_at(expression) -%}
    to_utc_timestamp(to_timestamp(left({{ expression }}, 15), "yyyyMMdd'T'HHmmss"), 'UTC')
{%- endmacro %}

{% macro duckdb__run_id_started_at(expression) -%}
    try_strptime(left({{ expression }}, 15) || '+0000', '%Y%m%dT%H%M%S%z')
{%- endmacro %}


{#- One row per (key, count) of a JSON object of counts ({"high": 3, "low": 1}), as a
    relation with the columns `key_column` and `count_column` beside `keep` columns. -#}
{% macro unnest_json_counts(relation, json_column, keep, key_column, count_column) -%}
    {{ return(adapter.dispatch('unnest_json_counts', 'hsguard')(relation, json_column, keep, key_column, count_column)) }}
{%- endmacro %}

{% macro default__unnest_json_counts(relation, json_column, keep, key_column, count_column) -%}
    select {{ keep | join(', ') }}, {{ key_column }}, {{ count_column }}
    from {{ relation }}
    lateral view explode(from_json({{ json_column }}, 'map<string, bigint>')) as {{ key_column }}, {{ count_column }}
{%- endmacro %}

{% macro duckdb__unnest_json_counts(relation, json_column, keep, key_column, count_column) -%}
    select
        {{ keep | join(', ') }},
        unnest(map_keys(counts)) as {{ key_column }},
        unnest(map_values(counts)) as {{ count_column }}
    from (
        select *, json_transform({{ json_column }}, '"MAP(VARCHAR, BIGINT)"') as counts
        from {{ relation }}
    ) as with_counts
{%- endmacro %}


{#- True when the decision text says a licence is required ("license_required",
    "licence required", ...; never "no_license_required"). -#}
{% macro is_licence_required(decision) -%}
    lower(trim({{ decision }})) in (
        {%- for word in ['license', 'licence'] -%}
            {%- for sep in ['', ' ', '_', '-'] -%}
                '{{ word }}{{ sep }}required'{% if not loop.last %}, {% endif %}
            {%- endfor -%}{% if not loop.last %}, {% endif %}
        {%- endfor -%}
    )
{%- endmacro %}


{#- Rows of `relation` stamped with this run, or every row when none is (dbt by hand). -#}
{% macro this_run_rows(relation) -%}
    select rows_of_runs.*
    from {{ relation }} as rows_of_runs
    where
        rows_of_runs.run_id = {{ hsguard_run_id() }}
        or not exists (
            select 1 from {{ relation }} as stamped where stamped.run_id = {{ hsguard_run_id() }}
        )
{%- endmacro %}


{#- The currency of the input's amounts (value_usd, unit_value_usd), as the report
    labels them: HSGUARD_CURRENCY (an ISO 4217 code, e.g. EUR), USD when unset. The
    amounts are shown as loaded, never converted. -#}
{% macro hsguard_currency() -%}
    {%- set code = env_var("HSGUARD_CURRENCY", "USD") | trim | upper -%}
    {%- if not (code | length == 3 and code.isalpha() and code.isascii()) -%}
        {{ exceptions.raise_compiler_error("HSGUARD_CURRENCY must be a three-letter ISO 4217 code such as EUR, not " ~ code) }}
    {%- endif -%}
    '{{ code }}'
{%- endmacro %}


{#- Days after which a reference edition is reported as old (var reference_max_age_days;
    HSGUARD_REFERENCE_MAX_AGE_DAYS overrides it). -#}
{% macro reference_max_age_days() -%}
    {%- set days = env_var("HSGUARD_REFERENCE_MAX_AGE_DAYS", var("reference_max_age_days", 90) | string) | trim -%}
    {%- if not (days.isdigit() and days.isascii() and days | length <= 5) -%}
        {{ exceptions.raise_compiler_error("HSGUARD_REFERENCE_MAX_AGE_DAYS must be a whole number of days, not " ~ days) }}
    {%- endif -%}
    {{ days }}
{%- endmacro %}
