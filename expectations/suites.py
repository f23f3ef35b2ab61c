"""GX 1.x expectation suites, as code.

Each suite is validated against a pandas frame read from the run's build warehouse
(GX's SQL datasource is not reliable on DuckDB). Input suites record problems in
``audit.validation_results`` and never stop a run (bad rows were already quarantined
or flagged); mart suites guard the output contract and a failure stops the run
before publishing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import great_expectations as gx
import great_expectations.expectations as gxe


@dataclass(frozen=True)
class SuiteSpec:
    name: str
    query: str  # read from the build warehouse; a fixed string, never built from input
    key_column: str | None  # reported as the failing key (e.g. sku)
    blocking: bool  # a failure stops the run before publish
    expectations: list = field(default_factory=list)


def input_suites() -> list[SuiteSpec]:
    return [
        SuiteSpec(
            name="input_products",
            query="select * from raw.erp_products",
            key_column="sku",
            blocking=False,
            expectations=[
                gxe.ExpectTableRowCountToBeBetween(min_value=1),
                gxe.ExpectColumnValuesToNotBeNull(column="sku"),
                gxe.ExpectColumnValuesToNotBeNull(column="description"),
                gxe.ExpectColumnValuesToBeUnique(column="sku"),
                gxe.ExpectColumnValuesToMatchRegex(
                    column="hts_code", regex=r"^[0-9]{4}[. ]?[0-9]{2}[. ]?[0-9]{2}[. ]?[0-9]{2}$", mostly=0.9
                ),
                gxe.ExpectColumnValuesToMatchRegex(column="country_of_origin", regex=r"^[A-Za-z]{2}$"),
            ],
        ),
        SuiteSpec(
            name="reference_hts_lines",
            query="select * from raw.ref_hts_lines",
            key_column="code",
            blocking=True,  # a broken tariff file would make every check wrong
            expectations=[
                gxe.ExpectTableRowCountToBeBetween(min_value=10_000),
                gxe.ExpectColumnValuesToNotBeNull(column="code"),
                gxe.ExpectColumnValuesToMatchRegex(
                    column="code", regex=r"^(?:[0-9]{4}|[0-9]{6}|[0-9]{8}|[0-9]{10})$"
                ),
            ],
        ),
    ]


def mart_suites(check_codes: list[str], severities: list[str]) -> list[SuiteSpec]:
    return [
        SuiteSpec(
            name="mart_classification_flags",
            query="select * from marts.fct_classification_flags",
            key_column="sku",
            blocking=True,
            expectations=[
                gxe.ExpectColumnValuesToNotBeNull(column="sku"),
                gxe.ExpectColumnValuesToNotBeNull(column="check_code"),
                gxe.ExpectColumnValuesToBeInSet(column="check_code", value_set=check_codes),
                gxe.ExpectColumnValuesToBeInSet(column="severity", value_set=severities),
                gxe.ExpectColumnValuesToBeInSet(column="scheme", value_set=["HTSUS", "CN", "HS", "ECCN"]),
                gxe.ExpectColumnValuesToNotBeNull(column="evidence"),
                gxe.ExpectColumnValueLengthsToBeBetween(column="evidence", min_value=20),
                gxe.ExpectColumnValuesToNotBeNull(column="run_id"),
            ],
        ),
    ]


def build_suite(spec: SuiteSpec) -> gx.ExpectationSuite:
    suite = gx.ExpectationSuite(name=spec.name)
    for expectation in spec.expectations:
        suite.add_expectation(expectation)
    return suite
