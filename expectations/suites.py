"""GX 1.x expectation suites, as code.

Each suite is validated against a pandas frame read from the run's build warehouse
(GX's SQL datasource is not reliable on DuckDB). Input suites (the user's files)
run on the raw tables before dbt, record problems in ``audit.validation_results`` and
their failing rows in ``audit.validation_findings`` (a dbt model makes them
``INPUT_EXPECTATION_FAILED`` flags); they never stop a run, because bad values were
already nulled or quarantined by the contract. Reference suites (the tariffs and control lists every
check relies on) and mart suites guard correctness: a failure stops the run before
publishing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import great_expectations as gx
import great_expectations.expectations as gxe

ISO2 = r"^[A-Z]{2}$"


@dataclass(frozen=True)
class SuiteSpec:
    name: str
    query: str  # read from the build warehouse; a fixed string, never built from input
    key_column: str | None  # reported as the failing key (e.g. sku)
    blocking: bool  # a failure stops the run before publish
    expectations: list = field(default_factory=list)
    requires_table: str | None = None  # skip the suite when this relation is absent
    is_input: bool = False  # failing rows are recorded as findings (audit.validation_findings)
    raw_table: str | None = None  # the raw table an input suite reads (named in its findings)


def iso_countries() -> list[str]:
    """ISO 3166-1 alpha-2 codes, and XK (Kosovo), which the EAR's Country Chart uses."""
    import pycountry

    return sorted({c.alpha_2 for c in pycountry.countries} | {"XK"})


def input_suites() -> list[SuiteSpec]:
    """One suite per input file, on its raw table right after ingest (before dbt). They
    say what neither the input contract (which already nulled or quarantined values of the
    wrong form: hsguard/sources.py) nor a dbt check says: a failing row becomes an
    INPUT_EXPECTATION_FAILED flag through the dbt model int_flags_input_expectation_failed.
    Findings name the row by its number in the file (``_row_number``)."""
    countries = iso_countries()
    return [
        SuiteSpec(
            name="input_products",
            query="select * from raw.erp_products",
            key_column="_row_number",
            raw_table="erp_products",
            blocking=False,
            is_input=True,
            expectations=[
                gxe.ExpectTableRowCountToBeBetween(min_value=1),
                # two letters, but no country (e.g. "UK" for GB, "EU")
                gxe.ExpectColumnValuesToBeInSet(column="country_of_origin", value_set=countries),
            ],
        ),
        SuiteSpec(
            name="input_shipments",
            query="select * from raw.erp_shipments",
            key_column="_row_number",
            raw_table="erp_shipments",
            blocking=False,
            is_input=True,
            expectations=[
                gxe.ExpectColumnValuesToBeInSet(column="destination_country", value_set=countries),
                gxe.ExpectColumnValuesToBeBetween(column="quantity", min_value=0, strict_min=True),
            ],
        ),
    ]


def reference_suites() -> list[SuiteSpec]:
    """One suite per reference dataset: row-count sanity, keys and code patterns."""

    def spec(name, query, key, expectations):
        return SuiteSpec(name=name, query=query, key_column=key, blocking=True, expectations=expectations)

    return [
        spec(
            "reference_hs_nomenclature",
            "select * from raw.ref_hs_nomenclature",
            "code",
            [
                gxe.ExpectTableRowCountToBeBetween(min_value=10_000, max_value=20_000),
                gxe.ExpectColumnValuesToMatchRegex(column="code", regex=r"^(?:[0-9]{2}|[0-9]{4}|[0-9]{6})$"),
                gxe.ExpectColumnValuesToNotBeNull(column="full_description"),
            ],
        ),
        spec(
            "reference_hts_lines",
            "select * from raw.ref_hts_lines",
            "code",
            [
                gxe.ExpectTableRowCountToBeBetween(min_value=60_000, max_value=120_000),
                gxe.ExpectColumnValuesToNotBeNull(column="code"),
                gxe.ExpectColumnValuesToMatchRegex(
                    column="code", regex=r"^(?:[0-9]{4}|[0-9]{6}|[0-9]{8}|[0-9]{10})$"
                ),
            ],
        ),
        spec(
            "reference_cn_lines",
            "select * from raw.ref_cn_lines",
            "code",
            [
                gxe.ExpectTableRowCountToBeBetween(min_value=20_000, max_value=40_000),
                gxe.ExpectColumnValuesToMatchRegex(
                    column="code", regex=r"^(?:[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{8})$"
                ),
            ],
        ),
        spec(
            "reference_hs_correlation",
            "select * from raw.ref_hs_correlation",
            "hs2022_code",
            [
                gxe.ExpectTableRowCountToBeBetween(min_value=10_000),
                gxe.ExpectColumnValuesToBeInSet(
                    column="relationship", value_set=["1:1", "1:n", "n:1", "n:n"]
                ),
            ],
        ),
        spec(
            "reference_hts_revision_concordance",
            "select * from raw.ref_hts_revision_concordance",
            "new_hts10",
            [
                gxe.ExpectTableRowCountToBeBetween(min_value=1),
                gxe.ExpectColumnValuesToBeInSet(
                    column="change_type", value_set=["added", "dropped", "split", "rename", "many_to_many"]
                ),
            ],
        ),
        spec(
            "reference_ccl_eccns",
            "select * from raw.ref_ccl_eccns",
            "eccn",
            [
                gxe.ExpectTableRowCountToBeBetween(min_value=500, max_value=800),
                gxe.ExpectColumnValuesToBeUnique(column="eccn"),
                gxe.ExpectColumnValuesToMatchRegex(column="eccn", regex=r"^[0-9][A-E][0-9]{3}$"),
            ],
        ),
        spec(
            "reference_ccl_license_requirements",
            "select * from raw.ref_ccl_license_requirements",
            "eccn",
            [
                gxe.ExpectTableRowCountToBeBetween(min_value=1_000),
                gxe.ExpectColumnValuesToMatchRegex(
                    column="chart_columns", regex=r"^[A-Z]{2}[0-9](?:,[A-Z]{2}[0-9])*$"
                ),
            ],
        ),
        spec(
            "reference_country_chart",
            "select * from raw.ref_country_chart",
            "iso2",
            [
                gxe.ExpectColumnValuesToMatchRegex(column="iso2", regex=ISO2),
                gxe.ExpectColumnValuesToNotBeNull(column="column_code"),
            ],
        ),
        spec(
            "reference_country_groups",
            "select * from raw.ref_country_groups",
            "iso2",
            [
                gxe.ExpectColumnValuesToMatchRegex(column="iso2", regex=ISO2),
                gxe.ExpectColumnValuesToMatchRegex(column="country_group", regex=r"^(?:[A-E]:[0-9]|B)$"),
            ],
        ),
        spec(
            "reference_ear746_hs_lists",
            "select * from raw.ref_ear746_hs_lists",
            "hs6",
            [
                gxe.ExpectColumnValuesToMatchRegex(column="hs6", regex=r"^[0-9]{6}$"),
            ],
        ),
        spec(
            "reference_export_control_bridges",
            "select * from raw.ref_export_control_bridges",
            "code",
            [
                gxe.ExpectColumnValuesToMatchRegex(column="code", regex=r"^[0-9]{2,6}$"),
                gxe.ExpectColumnValuesToBeInSet(
                    column="list_name", value_set=["CHPL", "CN_MOFCOM_2026", "JP_CATCHALL"]
                ),
            ],
        ),
        spec(
            "reference_screening_entries",
            "select * from raw.ref_screening_entries",
            "entry_id",
            [
                gxe.ExpectTableRowCountToBeBetween(min_value=10_000),
                gxe.ExpectColumnValuesToBeUnique(column="entry_id"),
                gxe.ExpectColumnValuesToNotBeNull(column="name"),
            ],
        ),
    ]


def mart_suites(severities: list[str]) -> list[SuiteSpec]:
    """What the dbt tests on the public marts do not already say; any failure stops the
    run before publishing. (Keys, not-null columns, accepted values and relationships are
    dbt data tests in the marts' YAML and are not repeated here.)"""
    return [
        SuiteSpec(
            name="mart_classification_flags",
            query="""
                select
                    flags.*,
                    flags.suggested_code is null or exists (
                        select 1 from marts.dim_tariff_lines as line
                        where line.scheme = flags.scheme and line.is_current_edition
                            and line.is_declarable and line.reporting_code = flags.suggested_code
                    ) or (
                        -- an ECCN suggestion (ECCN_TEXT_REVIEW, ECCN_DUAL_USE_REVIEW) is an
                        -- ECCN of the loaded Commerce Control List
                        flags.scheme = 'ECCN' and exists (
                            select 1 from marts.dim_eccns as entry
                            where entry.eccn = split_part(flags.suggested_code, '.', 1)
                        )
                    ) as is_suggestion_declarable
                from marts.fct_classification_flags as flags
            """,
            key_column="sku",
            blocking=True,
            expectations=[
                gxe.ExpectColumnValuesToBeInSet(column="severity", value_set=severities),
                gxe.ExpectColumnValueLengthsToBeBetween(column="evidence", min_value=20),
                gxe.ExpectColumnValuesToNotBeNull(column="run_id"),
                gxe.ExpectColumnValuesToBeInSet(column="is_suggestion_declarable", value_set=[True]),
            ],
        ),
        SuiteSpec(
            name="mart_product_candidates",
            # one row per product and scheme (not per candidate: 5x fewer rows to hold
            # in memory on a big master), with the facts the expectations need
            query="""
                select
                    sku, scheme,
                    min(rank) as first_rank,
                    max(rank) as last_rank,
                    count(*) = count(distinct rank) as are_ranks_distinct,
                    count(*) - count(score) as scores_missing,
                    bool_and(is_score_ordered) as is_score_ordered
                from (
                    select
                        sku, scheme, rank, score,
                        coalesce(lag(score) over (partition by sku, scheme order by rank) >= score, true)
                            as is_score_ordered
                    from marts.fct_product_candidates
                ) as ranked
                group by sku, scheme
            """,
            key_column="sku",
            blocking=True,
            requires_table="fct_product_candidates",
            expectations=[
                gxe.ExpectColumnValuesToBeBetween(column="first_rank", min_value=1, max_value=1),
                gxe.ExpectColumnValuesToBeBetween(column="last_rank", min_value=1, max_value=10),
                gxe.ExpectColumnValuesToBeInSet(column="are_ranks_distinct", value_set=[True]),
                gxe.ExpectColumnValuesToBeBetween(column="scores_missing", min_value=0, max_value=0),
                gxe.ExpectColumnValuesToBeInSet(column="is_score_ordered", value_set=[True]),
            ],
        ),
    ]


# Table-level expectations that need no column of the frame.
COLUMNLESS_EXPECTATIONS = (gxe.ExpectTableRowCountToBeBetween,)


def frame_columns(spec: SuiteSpec) -> list[str] | None:
    """The columns the suite's expectations read, plus its key column, in first-use
    order; None when an expectation may read any column (then the whole row is loaded).
    Keeps a million-row frame to the few columns that are checked."""
    columns: dict[str, None] = {}
    if spec.key_column:
        columns[spec.key_column] = None
    for expectation in spec.expectations:
        if isinstance(expectation, COLUMNLESS_EXPECTATIONS):
            continue
        column = getattr(expectation, "column", None)
        if not isinstance(column, str):
            return None
        columns[column] = None
    return list(columns)


def frame_query(spec: SuiteSpec) -> str:
    """``spec.query`` narrowed to ``frame_columns`` (names from code, quoted)."""
    columns = frame_columns(spec)
    if columns is None:
        return spec.query
    quoted = ", ".join('"' + c.replace('"', '""') + '"' for c in columns) or "1 as row_present"
    return f"select {quoted} from ({spec.query}) as suite_rows"  # noqa: S608 - names from code


def build_suite(spec: SuiteSpec) -> gx.ExpectationSuite:
    suite = gx.ExpectationSuite(name=spec.name)
    for expectation in spec.expectations:
        suite.add_expectation(expectation)
    return suite
