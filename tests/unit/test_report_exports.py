"""The report's exports written by DuckDB (so that a 1M-product run never materialises
flag-level rows in Python) and the review queue's spreadsheet rows. The report's
aggregates (risk-score bins, exposure, queue ranking, ...) are dbt models now, tested by
the unit tests in models/reports/_reports__unit_tests.yml."""

import csv

import duckdb

from hsguard import report_charts, report_exports


def test_csv_is_written_by_duckdb_complete_in_order_and_neutralised(tmp_path):
    con = duckdb.connect()
    con.execute(
        "create table t as select range as n, '=cmd' || range as cell, "
        "'a,\"b\"' || chr(10) || 'c' as quoted, 'plain' as plain, chr(9) || 'tab' as tab, "
        "null::varchar as empty from range(50)"
    )
    written = report_exports.write_csv(
        con, "select cell, quoted, plain, tab, empty, n from t", tmp_path / "t.csv", "n desc", hidden=("n",)
    )
    with (tmp_path / "t.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert written == 50
    assert rows[0] == ["cell", "quoted", "plain", "tab", "empty"]
    assert [r[0] for r in rows[1:]] == [f"'=cmd{i}" for i in reversed(range(50))]
    assert {tuple(r[1:]) for r in rows[1:]} == {('a,"b"\nc', "plain", "'\ttab", "")}
    for value in ("=1", "+1", "-1", "@x", "\tx", "\rx", "x=1"):
        con.execute("create or replace table v as select ? as cell", [value])
        report_exports.write_csv(con, "select cell from v", tmp_path / "v.csv")
        with (tmp_path / "v.csv").open(newline="", encoding="utf-8") as handle:
            assert list(csv.reader(handle))[1] == [report_exports.neutralise_formula(value)]


def test_no_risk_bins_give_a_note_not_a_chart():
    chart = report_charts.risk_distribution([])
    assert chart.note and chart.svg is None


def test_queue_rows_join_lists_and_attach_the_candidates_of_the_flagged_scheme():
    item = {
        "product_rank": 1,
        "sku": "A",
        "description": "d",
        "check_code": "HS_TEXT_MISMATCH",
        "scheme": "HTSUS",
        "severity": "medium",
        "title": "t",
        "declared_codes": ["6110.30.1060"],
        "suggested_codes": ["3919905030", "3919905060"],
        "evidence": ["one", "two"],
        "shipment_ids": None,
        "trade_value_exposed_usd": 10.456,
        "risk_score": 42.0,
        "run_id": "R1",
    }
    candidates = {
        ("A", "HTSUS"): [
            {"scheme": "HTSUS", "code": "3919.90.50.30", "score": 0.8, "confidence": 0.62, "source": "tariff"}
        ],
        ("A", "CN"): [
            {"scheme": "CN", "code": "3919 90 20", "score": 0.7, "confidence": None, "source": "x"}
        ],
    }
    (row,) = report_exports.queue_rows([item], candidates)
    assert tuple(row) == report_exports.QUEUE_COLUMNS
    assert row["rank"] == 1 and row["suggested_code"] == "3919905030; 3919905060"
    assert row["evidence"] == "one\ntwo" and row["shipment_ids"] == ""
    assert row["trade_value_exposed_usd"] == 10.46
    assert row["candidates"] == "HTSUS 3919.90.50.30 (confidence 62%, tariff)"
    assert all(row[c] == "" for c in report_exports.OVERRIDE_COLUMNS)
