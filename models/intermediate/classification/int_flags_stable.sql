{#- The flags of every check that reads neither the clock nor the raw product rows,
    with severity and title from the check catalogue seed (and, where a check grades by
    level, from check_severity_levels). On a night when only prices or other untested
    attributes move, its inputs are unchanged and the table is reused as it is
    (macros/reuse.sql): at 1M products the checks take about 25 s.
    int_flags_unioned adds the two remaining checks and the run id. -#}

{{ config(materialized='reusable_table') }}

{{ flags_with_catalog(
    [
        'int_flags_hs_missing',
        'int_flags_hs_malformed',
        'int_flags_hs_outdated',
        'int_flags_hs_not_declarable',
        'int_flags_hs_unknown',
        'int_flags_hs_cross_scheme_mismatch',
        'int_flags_hs_ruling_inactive',
        'int_flags_hs_peer_inconsistent',
        'int_flags_hs_text_mismatch',
        'int_flags_eccn_missing',
        'int_flags_eccn_malformed',
        'int_flags_eccn_unknown',
        'int_flags_eccn_hs_implausible',
        'int_flags_eccn_peer_inconsistent',
        'int_flags_license_required',
        'int_flags_embargoed_destination',
        'int_flags_export_rule_review',
        'int_flags_license_exception_ineligible',
        'int_flags_license_recorded',
    ],
    [
        'int_flags_hs_ruling_conflict',
        'int_flags_eccn_dual_use_review',
        'int_flags_eccn_text_review',
        'int_flags_party_screening_hit',
    ],
) }}
