"""Report aggregates computed in DuckDB (so that a 1M-product run never materialises
flag- or product-level rows in Python): risk-score bins and flags.csv written by DuckDB."""

import csv

import duckdb
import pytest

from hsguard import reporting
from hsguard.html_report import _chart_risk_distribution, _risk_bins


def risk_con(scores: list[float | None]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute("create table marts.fct_product_risk (sku varchar, risk_score double)")
    con.executemany(
        "insert into marts.fct_product_risk values (?, ?)", [[f"S{i}", s] for i, s in enumerate(scores)]
    )
    return con


def test_risk_bins_are_five_points_wide_and_100_falls_in_the_last_bin():
    bins = _risk_bins(risk_con([0, 4.9, 5, 12.5, 100, 100, None]))
    assert bins == [
        {"bin_start": 0.0, "bin_end": 5.0, "products": 2},
        {"bin_start": 5.0, "bin_end": 10.0, "products": 1},
        {"bin_start": 10.0, "bin_end": 15.0, "products": 1},
        {"bin_start": 95.0, "bin_end": 100.0, "products": 2},
    ]


def test_risk_bins_widen_to_stay_at_most_twenty():
    bins = _risk_bins(risk_con([0, 250]))
    assert [(b["bin_start"], b["bin_end"]) for b in bins] == [(0.0, 20.0), (240.0, 260.0)]
    assert sum(b["products"] for b in bins) == 2


def test_no_scores_gives_a_note_not_a_chart():
    assert _risk_bins(risk_con([None])) == []
    assert _chart_risk_distribution([]).note


def test_csv_is_written_by_duckdb_complete_in_order_and_neutralised(tmp_path):
    con = duckdb.connect()
    con.execute(
        "create table t as select range as n, '=cmd' || range as cell, "
        "'a,\"b\"' || chr(10) || 'c' as quoted, 'plain' as plain, chr(9) || 'tab' as tab, "
        "null::varchar as empty from range(50)"
    )
    written = reporting.write_csv(
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
        reporting.write_csv(con, "select cell from v", tmp_path / "v.csv")
        with (tmp_path / "v.csv").open(newline="", encoding="utf-8") as handle:
            assert list(csv.reader(handle))[1] == [reporting.neutralise_formula(value)]


@pytest.mark.parametrize("scores", [[0.0], [100.0]])
def test_single_score_makes_one_bar(scores):
    assert len(_risk_bins(risk_con(scores))) == 1
