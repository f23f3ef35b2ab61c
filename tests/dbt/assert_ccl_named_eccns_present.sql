-- ECCNs that the bundled Commerce Control List itself names (related controls, headings,
-- licence-requirement lines) but that are not entries of it: what is still uncertain about
-- the bundled CCL. A warning, not an error. 0D614, 2B352 and 3E002 were merged into the
-- records before them in ccl.json and are split by the loader; what remains (3A004, 3B003,
-- 3C007, 3C008, 3C009) is named only by 3E001's RS line, and no text of such entries is
-- bundled or was found: they are not authored (docs/EXPORT_CONTROL.md).
{{ config(severity='warn') }}

with

eccns as (

    select eccn, heading, related_controls
    from {{ ref('stg_ccl__eccns') }}

),

requirements as (

    select eccn, control_text, chart_text
    from {{ ref('stg_ccl__license_requirements') }}

),

texts as (

    select
        eccn as named_by,
        coalesce(heading, '') || ' ' || coalesce(related_controls, '') as text_value
    from eccns
    union all
    select
        eccn as named_by,
        coalesce(control_text, '') || ' ' || coalesce(chart_text, '') as text_value
    from requirements

),

named as (

    select distinct
        texts.named_by,
        named_eccns.named_eccn
    from texts
    {{ hsguard.unnest_join(
        hsguard.regex_matches_list('texts.text_value', '\\b[0-9][A-E][0-9]{3}\\b'), 'named_eccns', 'named_eccn'
    ) }}

),

final as (

    select
        named.named_eccn,
        {{ dbt.listagg("distinct named.named_by", "', '", "order by named.named_by") }} as named_by
    from named
    left join eccns
        on named.named_eccn = eccns.eccn
    where eccns.eccn is null
    group by named.named_eccn

)

select * from final
