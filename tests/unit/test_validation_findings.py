"""Input expectations run on the raw tables before dbt: a failing row is recorded in
audit.validation_findings by raw table and row number (the dbt model
int_flags_input_expectation_failed makes the flag, see its unit test), and each stage
replaces only its own suites' rows of audit.validation_results."""

import duckdb
import polars as pl

from expectations.suites import input_suites
from hsguard.validation import RESULT_COLUMNS, findings_frame, replace_results, results_frame, run_suites


def raw_products(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema raw")
    con.execute(
        "create table raw.erp_products as select * from (values "
        "('P1', 'chair', 'DE', 2::bigint), ('P2', 'table', 'UK', 3::bigint), "
        "('P3', 'lamp', null, 4::bigint)) "
        "as t(sku, description, country_of_origin, _row_number)"
    )


def test_failing_input_rows_are_findings_with_their_row_number(tmp_path):
    con = duckdb.connect()
    raw_products(con)
    specs = [s for s in input_suites() if s.name == "input_products"]
    outcomes = run_suites(con, specs, "run1", tmp_path)
    findings = findings_frame(outcomes)
    assert findings.select("suite", "raw_table", "row_number", "column_name", "value").rows() == [
        ("input_products", "erp_products", 3, "country_of_origin", "UK")
    ]
    assert not outcomes[0].success and not outcomes[0].blocking  # recorded, never stops the run


def test_each_stage_replaces_only_its_own_suites_results():
    con = duckdb.connect()
    con.execute("create schema audit")

    def rows(suite: str, run: str) -> pl.DataFrame:
        return pl.DataFrame(
            [{"run_id": run, "suite": suite, "expectation": "e", "success": True, "reused": False}],
            schema=RESULT_COLUMNS,
        )

    replace_results(
        con, ["input_products", "mart_x"], pl.concat([rows("input_products", "old"), rows("mart_x", "old")])
    )
    replace_results(con, ["input_products"], rows("input_products", "new"))
    assert sorted(con.execute("select suite, run_id from audit.validation_results").fetchall()) == [
        ("input_products", "new"),
        ("mart_x", "old"),
    ]
    replace_results(con, ["mart_x"], results_frame([]))
    assert con.execute("select suite, run_id from audit.validation_results").fetchall() == [
        ("input_products", "new")
    ]
