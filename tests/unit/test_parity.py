"""The DuckDB/Spark mart comparison (hsguard.parity): its normalisation and what it reports."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from decimal import Decimal

import polars as pl

from hsguard.parity import compare_frames, format_comparison, normalise


def test_equal_frames_in_another_order_with_engine_types_are_equal():
    duck = pl.DataFrame(
        {
            "SKU": ["A", "B", None],
            "score": [0.1 + 0.2, 1.0, None],
            "hits": pl.Series([3, 4, 5], dtype=pl.Int128),
            "weight": pl.Series([Decimal("1.2500"), Decimal("0"), None], dtype=pl.Decimal(10, 4)),
            "codes": [["01", "02"], [], None],
            "flagged": [True, False, None],
            "day": [date(2026, 1, 2), None, date(2026, 3, 4)],
        }
    )
    spark = pl.DataFrame(
        {
            "sku": [None, "B", "A"],
            "score": [None, 1.0, 0.3],
            "hits": pl.Series([5, 4, 3], dtype=pl.Int32),
            "weight": [None, -0.0, 1.25],
            "codes": [None, [], ["01", "02"]],
            "flagged": [None, False, True],
            "day": [date(2026, 3, 4), None, date(2026, 1, 2)],
        }
    )
    result = compare_frames("fct_x", duck, spark)
    assert result.equal, format_comparison(result)
    assert (result.rows_duckdb, result.rows_spark) == (3, 3)


def test_a_changed_value_is_reported_on_both_sides():
    duck = pl.DataFrame({"sku": ["A", "B", "C"], "evidence": ["x\\y", "ok", "ok"]})
    spark = pl.DataFrame({"sku": ["A", "B", "C"], "evidence": ["xy", "ok", "ok"]})  # a lost backslash
    result = compare_frames("fct_x", duck, spark)
    assert not result.equal
    assert (result.differing_duckdb, result.differing_spark) == (1, 1)
    assert result.only_duckdb.row(0, named=True) == {"sku": "A", "evidence": "x\\y", "surplus": 1}
    assert result.only_spark.row(0, named=True) == {"sku": "A", "evidence": "xy", "surplus": 1}
    text = "\n".join(format_comparison(result))
    assert "DIFFERENT" in text and "1 row(s) only on DuckDB" in text and "'xy'" in text


def test_strings_are_compared_as_they_are():
    result = compare_frames("m", pl.DataFrame({"a": ["x "]}), pl.DataFrame({"a": ["x"]}))
    assert not result.equal
    result = compare_frames("m", pl.DataFrame({"a": ["X"]}), pl.DataFrame({"a": ["x"]}))
    assert not result.equal


def test_duplicates_count():
    duck = pl.DataFrame({"sku": ["A", "A", "B"]})
    spark = pl.DataFrame({"sku": ["A", "B", "B"]})
    result = compare_frames("m", duck, spark)
    assert (result.differing_duckdb, result.differing_spark) == (1, 1)
    assert result.only_duckdb["sku"].to_list() == ["A"] and result.only_spark["sku"].to_list() == ["B"]


def test_doubles_equal_to_the_documented_decimals_only():
    base = pl.DataFrame({"s": [0.1234564]})
    assert compare_frames("m", base, pl.DataFrame({"s": [0.12345640001]})).equal
    assert not compare_frames("m", base, pl.DataFrame({"s": [0.1234574]})).equal
    assert compare_frames("m", base, pl.DataFrame({"s": [0.1234574]}), decimals=5).equal


def test_null_is_not_an_empty_string_nor_zero():
    assert not compare_frames(
        "m", pl.DataFrame({"a": [None]}, schema={"a": pl.Utf8}), pl.DataFrame({"a": [""]})
    ).equal
    assert not compare_frames(
        "m", pl.DataFrame({"a": [None]}, schema={"a": pl.Int64}), pl.DataFrame({"a": [0]})
    ).equal
    # an all-NULL column of Spark's void type takes the other side's type
    assert compare_frames(
        "m", pl.DataFrame({"a": [None]}, schema={"a": pl.Utf8}), pl.DataFrame({"a": [None]})
    ).equal


def test_nan_equals_nan_and_not_null():
    nan = pl.DataFrame({"a": [math.nan]})
    assert compare_frames("m", nan, pl.DataFrame({"a": [math.nan]})).equal
    assert not compare_frames("m", nan, pl.DataFrame({"a": [None]}, schema={"a": pl.Float64})).equal


def test_missing_column_and_type_difference_are_problems():
    result = compare_frames("m", pl.DataFrame({"a": [1], "b": [2]}), pl.DataFrame({"a": [1]}))
    assert not result.equal and result.problems == ["columns only on DuckDB: b"]
    result = compare_frames("m", pl.DataFrame({"a": ["1"]}), pl.DataFrame({"a": [1]}))
    assert not result.equal and "column a" in result.problems[0]


def test_list_order_matters():
    result = compare_frames("m", pl.DataFrame({"a": [["x", "y"]]}), pl.DataFrame({"a": [["y", "x"]]}))
    assert not result.equal


def test_excluded_columns_are_left_out_and_named():
    duck = pl.DataFrame({"sku": ["A"], "built_at": [datetime(2026, 1, 1, tzinfo=UTC)]})
    spark = pl.DataFrame({"sku": ["A"], "built_at": [datetime(2027, 1, 1)]})
    left_out = {"*": {"built_at": "the build's time"}}
    result = compare_frames("m", duck, spark, exclusions=left_out)
    assert result.equal and result.excluded_columns == ["built_at"]
    assert not compare_frames("m", duck, spark).equal
    assert compare_frames("m", duck, spark, exclusions={"m": {"built_at": "x"}}).equal
    assert not compare_frames("m", duck, spark, exclusions={"other": {"built_at": "x"}}).equal


def test_timestamps_compare_in_utc():
    aware = pl.DataFrame({"t": [datetime(2026, 1, 1, 12, tzinfo=UTC)]}).with_columns(
        pl.col("t").dt.convert_time_zone("Europe/Berlin")
    )
    naive = pl.DataFrame({"t": [datetime(2026, 1, 1, 12)]})
    assert compare_frames("m", aware, naive).equal


def test_normalise_lower_cases_names_and_rounds():
    frame = normalise(pl.DataFrame({"Score": [-0.0000001]}))
    assert frame.columns == ["score"] and str(frame["score"][0]) == "0.0"


def test_the_background_parse_hands_its_manifest_to_the_build(monkeypatch, tmp_path):
    import threading

    from hsguard import parity_run

    seen = {}

    def parse(work_dir, run_id):
        seen["thread"] = threading.current_thread().name
        seen["args"] = (work_dir, run_id)
        return "manifest"

    monkeypatch.setattr(parity_run, "parse_on_spark", parse)
    parser = parity_run.BackgroundParse(tmp_path, "run-1")
    assert parser.manifest() == "manifest"
    assert seen == {"thread": "dbt-parse", "args": (tmp_path, "run-1")}


def test_a_failed_background_parse_leaves_the_parse_to_the_build(monkeypatch, tmp_path):
    from hsguard import parity_run

    def parse(work_dir, run_id):
        raise RuntimeError("no project")

    monkeypatch.setattr(parity_run, "parse_on_spark", parse)
    assert parity_run.BackgroundParse(tmp_path, "run-1").manifest() is None
