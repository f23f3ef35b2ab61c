{#- Every check's flags in one relation, with severity and title from the check
    catalogue seed (and, where a check grades by level, from check_severity_levels).
    marts.fct_classification_flags adds reviewer overrides and flag history.
    A table, not a view: its data tests and the mart read it without running every
    check again (at 100k products dbt took 59 s instead of 72 s). -#}

{{ config(materialized='reusable_table') }}

{%- set check_models = [
    'int_flags_hs_missing',
    'int_flags_hs_malformed',
    'int_flags_hs_outdated',
    'int_flags_hs_not_declarable',
    'int_flags_hs_unknown',
    'int_flags_hs_cross_scheme_mismatch',
    'int_flags_hs_ruling_inactive',
    'int_flags_hs_peer_inconsistent',
    'int_flags_hs_text_mismatch',
    'int_flags_duplicate_sku',
    'int_flags_classification_stale',
    'int_flags_eccn_missing',
    'int_flags_eccn_malformed',
    'int_flags_eccn_unknown',
    'int_flags_eccn_hs_implausible',
    'int_flags_eccn_peer_inconsistent',
    'int_flags_license_required',
    'int_flags_embargoed_destination',
    'int_flags_party_screening_hit',
] %}

with

{% for check_model in check_models %}
{{ check_model }} as (

    select
        sku, check_code, scheme, declared_code, suggested_code, evidence, shipment_id,
        cast(null as varchar) as divergence_level
    from {{ ref(check_model) }}

),

{% endfor %}
hs_ruling_conflict as (

    select
        sku, check_code, scheme, declared_code, suggested_code, evidence, shipment_id, divergence_level
    from {{ ref('int_flags_hs_ruling_conflict') }}

),

eccn_dual_use_review as (

    select
        sku, check_code, scheme, declared_code, suggested_code, evidence, shipment_id, divergence_level
    from {{ ref('int_flags_eccn_dual_use_review') }}

),

check_catalog as (

    select check_code, severity, severity_rank, title
    from {{ ref('check_catalog') }}

),

severity_levels as (

    select check_code, level, severity, severity_rank
    from {{ ref('check_severity_levels') }}

),

all_flags as (

    {% for check_model in check_models %}
    select * from {{ check_model }}
    union all
    {% endfor %}
    select * from hs_ruling_conflict
    union all
    select * from eccn_dual_use_review

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            "all_flags.sku", "'|'", "all_flags.check_code", "'|'", "all_flags.scheme",
            "'|'", "coalesce(all_flags.shipment_id, '')"
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
        '{{ env_var("HSGUARD_RUN_ID", "manual") }}' as run_id

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
