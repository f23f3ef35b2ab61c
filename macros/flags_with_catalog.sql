{#- The flags of `check_models` (each selecting sku, check_code, scheme, declared_code,
    suggested_code, evidence, shipment_id, line_no) and of `graded_check_models` (the same and a
    divergence_level), with a flag_id and with severity and title from the check
    catalogue seed (for a graded check, from check_severity_levels for its level). Used
    by int_flags_stable and int_flags_unioned. -#}
{% macro flags_with_catalog(check_models, graded_check_models=[]) %}
with

{% for check_model in check_models %}
{{ check_model }} as (

    select
        sku, check_code, scheme, declared_code, suggested_code, evidence, shipment_id, line_no,
        cast(null as string) as divergence_level
    from {{ ref(check_model) }}

),

{% endfor %}
{% for check_model in graded_check_models %}
{{ check_model }} as (

    select
        sku, check_code, scheme, declared_code, suggested_code, evidence, shipment_id, line_no,
        divergence_level
    from {{ ref(check_model) }}

),

{% endfor %}

check_catalog as (

    select check_code, severity, severity_rank, title
    from {{ ref('check_catalog') }}

),

severity_levels as (

    select check_code, level, severity, severity_rank
    from {{ ref('check_severity_levels') }}

),

all_flags as (

    {% for check_model in check_models + graded_check_models %}
    select * from {{ check_model }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            "all_flags.sku", "'|'", "all_flags.check_code", "'|'", "all_flags.scheme",
            "'|'", "coalesce(all_flags.shipment_id, '')",
            "'|'", "coalesce(cast(all_flags.line_no as string), '')"
        ])) }} as flag_id,
        all_flags.sku,
        all_flags.check_code,
        coalesce(severity_levels.severity, check_catalog.severity) as severity,
        coalesce(severity_levels.severity_rank, check_catalog.severity_rank) as severity_rank,
        check_catalog.title,
        all_flags.scheme,
        all_flags.declared_code,
        all_flags.suggested_code,
        all_flags.evidence,
        all_flags.shipment_id,
        all_flags.line_no

    from all_flags
    -- left join: a flag whose code is missing from the catalogue fails the not_null test
    -- on severity instead of disappearing
    left join check_catalog
        on all_flags.check_code = check_catalog.check_code
    left join severity_levels
        on all_flags.check_code = severity_levels.check_code
        and all_flags.divergence_level = severity_levels.level

)

select * from final
{% endmacro %}
