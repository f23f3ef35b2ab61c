{#- One row per product (or shipment) and failed check: what is wrong, how severe,
    the declared and suggested codes and the evidence, with the reviewer's override
    when there is one. An overridden flag stays here (nothing is deleted); it only
    drops out of open counts (fct_product_risk) and the review queue.

    Override rules (docs/RISK.md):
    - an override matches a flag on sku + check_code, and on scheme / shipment_id when
      the override gives them; of several matches the most specific wins, then the
      latest decided_at, then the later row of overrides.csv;
    - it applies (is_overridden, override_status 'applied') when its decision is one of
      accepted_risk, false_positive, fixed;
    - it lapses (override_status 'lapsed', not applied) when it names the declared code
      it was made against and the flag's declared code is now another one;
    - any other decision is not applied (override_status 'invalid_decision'). -#}

{%- set decisions = ['accepted_risk', 'false_positive', 'fixed'] %}

with

flags as (

    select * from {{ ref('int_flags_unioned') }}

),

overrides as (

    select * from {{ ref('stg_erp__overrides') }}

),

matched as (

    select
        flags.flag_id,
        overrides.decision,
        overrides.reason,
        overrides.reviewer,
        overrides.decided_at,
        overrides.declared_code as override_declared_code,
        {{ strip_code_separators('flags.declared_code') }} as flag_declared_code,
        row_number() over (
            partition by flags.flag_id
            order by
                cast(overrides.shipment_id is not null as integer)
                + cast(overrides.scheme is not null as integer) desc,
                overrides.decided_at desc nulls last,
                overrides.source_row_number desc
        ) as match_rank

    from flags
    inner join overrides
        on flags.sku = overrides.sku
        and upper(flags.check_code) = overrides.check_code
        and (overrides.scheme is null or upper(flags.scheme) = overrides.scheme)
        and (overrides.shipment_id is null or flags.shipment_id = overrides.shipment_id)

),

override_status as (

    select
        flag_id,
        decision,
        reason,
        reviewer,
        decided_at,
        case
            when decision not in ({{ "'" ~ decisions | join("', '") ~ "'" }}) or decision is null
                then 'invalid_decision'
            {# `is distinct from` written out (sqlfluff cannot parse it in a case): the
                override names a code and the flag's declared code is none or another #}
            when override_declared_code is not null
                and (
                    upper(nullif(flag_declared_code, '')) is null
                    or override_declared_code != upper(nullif(flag_declared_code, ''))
                )
                then 'lapsed'
            else 'applied'
        end as override_status

    from matched
    where match_rank = 1

),

final as (

    select
        flags.flag_id,
        flags.sku,
        flags.check_code,
        flags.severity,
        flags.severity_rank,
        flags.title,
        flags.scheme,
        flags.declared_code,
        flags.suggested_code,
        flags.evidence,
        flags.shipment_id,
        flags.line_no,
        coalesce(override_status.override_status = 'applied', false) as is_overridden,
        override_status.override_status,
        override_status.decision,
        override_status.reason,
        override_status.reviewer,
        override_status.decided_at,
        flags.run_id

    from flags
    left join override_status
        on flags.flag_id = override_status.flag_id

)

select * from final
