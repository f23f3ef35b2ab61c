-- Row counts in the raw reference tables equal what the ingest recorded per file in
-- audit.load_lineage (nothing lost or duplicated between the file and the warehouse).
with

lineage as (

    select raw_table, sum(rows_loaded) as rows_loaded
    from {{ source('audit', 'load_lineage') }}
    group by raw_table

),

actual as (

    select 'ref_hts_lines' as raw_table, count(*) as rows_in_table from {{ source('hts', 'ref_hts_lines') }}
    union all
    select 'ref_hs_nomenclature' as raw_table, count(*) as rows_in_table from {{ source('hs', 'ref_hs_nomenclature') }}
    union all
    select 'ref_cn_lines' as raw_table, count(*) as rows_in_table from {{ source('cn', 'ref_cn_lines') }}
    union all
    select 'ref_hs_correlation' as raw_table, count(*) as rows_in_table from {{ source('hs', 'ref_hs_correlation') }}
    union all
    select 'ref_hts_revision_concordance' as raw_table, count(*) as rows_in_table from {{ source('hts', 'ref_hts_revision_concordance') }}
    union all
    select 'erp_products' as raw_table, count(*) as rows_in_table from {{ source('erp', 'erp_products') }}

)

select actual.raw_table, actual.rows_in_table, lineage.rows_loaded
from actual
left join lineage
    on actual.raw_table = lineage.raw_table
where lineage.rows_loaded is null
    or lineage.rows_loaded != actual.rows_in_table
