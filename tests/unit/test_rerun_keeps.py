"""What a rerun keeps from the published warehouse without computing it again: the build
file starts as its copy, raw tables of byte-identical files, dbt relations no model
builds any more are dropped, and GX results of suites whose inputs are the same.
(End to end, against a full build: tests/integration/test_incremental.py.)"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from expectations.suites import SuiteSpec
from hsguard.dbt import drop_stale_relations, published_code_version
from hsguard.loading import load_sources, previous_loads, read_sources
from hsguard.paths import SAMPLE_DIR
from hsguard.validation import (
    FINDINGS_SCHEMA,
    RESULT_COLUMNS,
    relations_read,
    run_suites,
    suite_input_token,
    validation_code_version,
)
from hsguard.warehouse import WarehousePaths, start_build

LOADED_AT = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)


def test_a_build_starts_as_a_copy_of_the_published_warehouse(tmp_path):
    paths = WarehousePaths(tmp_path / "hsguard.duckdb")
    assert start_build(paths, "20261127T020000Z-aaaaaa") is False  # nothing published yet
    assert not paths.build_file("20261127T020000Z-aaaaaa").exists()
    con = duckdb.connect(str(paths.published))
    con.execute("create table t as select 42 as x")
    con.close()
    assert start_build(paths, "20261127T030000Z-bbbbbb") is True
    copy = duckdb.connect(str(paths.build_file("20261127T030000Z-bbbbbb")), read_only=True)
    assert copy.execute("select x from t").fetchall() == [(42,)]
    copy.close()


def test_a_build_starts_empty_when_the_published_one_was_built_by_other_code(tmp_path):
    """No table of another code version can be kept, so the run starts from a new,
    compact file (a copy would only carry dead blocks along)."""
    paths = WarehousePaths(tmp_path / "hsguard.duckdb")
    con = duckdb.connect(str(paths.published))
    con.execute("create schema audit")
    con.execute("create table audit.model_fingerprints (node varchar, code_version varchar)")
    con.execute("insert into audit.model_fingerprints values ('model.p.a', 'v1')")
    con.execute("create table audit.dbt_node_results (run_id varchar)")
    con.execute("create table audit.run_history (run_id varchar)")
    con.close()
    built_with = published_code_version(paths.published)
    assert start_build(paths, "20261127T020000Z-aaaaaa", built_with == "v1") is True
    assert start_build(paths, "20261127T030000Z-bbbbbb", built_with == "v2") is False
    assert not paths.build_file("20261127T030000Z-bbbbbb").exists()


def test_run_full_refresh_reaches_the_flow(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    import flows.nightly
    from hsguard import cli

    seen = {}

    def fake_nightly(**kwargs):
        seen.update(kwargs)
        raise RuntimeError("stop here")

    monkeypatch.setattr(flows.nightly, "nightly", fake_nightly)
    args = ["run", "--warehouse", str(tmp_path / "wh.duckdb"), "--reports", str(tmp_path / "r")]
    CliRunner().invoke(cli.app, [*args, "--full-refresh"])
    assert seen["full_refresh"] is True
    CliRunner().invoke(cli.app, args)
    assert seen["full_refresh"] is False


def load(directory: Path, database: Path, run_id: str, previous=None):
    bundle = read_sources(directory, previous)
    con = duckdb.connect(str(database))
    try:
        lineage = load_sources(con, bundle, run_id, LOADED_AT, previous)
        con.execute("create schema if not exists audit")
        con.register("_lineage", pl.DataFrame(lineage).to_arrow())
        con.execute("create or replace table audit.load_lineage as select * from _lineage")
    finally:
        con.close()
    return bundle


def next_build(published: Path, build: Path):
    """The next night's build (a copy of ``published``) and what the published one loaded."""
    shutil.copyfile(published, build)
    con = duckdb.connect(str(build), read_only=True)
    try:
        return build, previous_loads(con)
    finally:
        con.close()


def test_a_byte_identical_file_keeps_its_raw_rows_and_quarantine(tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(SAMPLE_DIR, sources)
    first = tmp_path / "first.duckdb"
    full = load(sources, first, "run1")
    assert not full.kept and full.files["products.csv"].quarantine.height > 0

    # the next night: prices change in products.csv, shipments.csv is the same file
    products = pl.read_csv(sources / "products.csv", infer_schema=False)
    products.with_columns(pl.lit("1.00").alias("unit_value_usd")).write_csv(sources / "products.csv")
    second, previous = next_build(first, tmp_path / "second.duckdb")
    bundle = load(sources, second, "run2", previous)

    assert set(bundle.kept) == {"shipments.csv", "rulings.csv", "overrides.csv"}
    assert "products.csv" in bundle.files
    con = duckdb.connect(str(second), read_only=True)
    try:
        assert con.execute("select distinct _run_id from raw.erp_shipments").fetchall() == [("run2",)]
        assert con.execute("select count(*) from raw.erp_shipments").fetchone()[0] == (
            full.files["shipments.csv"].good.height
        )
        kept = dict(con.execute("select raw_table, kept from audit.load_lineage").fetchall())
    finally:
        con.close()
    assert kept["erp_shipments"] and not kept["erp_products"]
    assert bundle.rows_in == full.rows_in

    # a changed ingest code version means nothing is kept
    changed = {key: row | {"code_version": "other"} for key, row in previous.items()}
    assert not read_sources(sources, changed).kept


def test_a_kept_files_quarantined_rows_and_nulled_values_are_carried(tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(SAMPLE_DIR, sources)
    first = tmp_path / "first.duckdb"
    full = load(sources, first, "run1")
    second, previous = next_build(first, tmp_path / "second.duckdb")
    bundle = read_sources(sources, previous)
    assert "products.csv" in bundle.kept
    con = duckdb.connect(str(second))
    try:
        load_sources(con, bundle, "run2", LOADED_AT, previous)
        rows = con.execute("select row_number, reason, run_id from audit.quarantine order by 1").fetchall()
        nulled = con.execute(
            "select raw_table, row_number, column_name, value, run_id from audit.field_rejections"
        ).fetchall()
    finally:
        con.close()
    assert nulled == [("erp_products", 199, "unit_value_usd", "n/a", "run2")]  # carried too
    expected = full.files["products.csv"].quarantine.sort("row_number")
    assert [r[:2] for r in rows] == list(zip(expected["row_number"], expected["reason"], strict=True))
    assert {r[2] for r in rows} == {"run2"}
    assert bundle.rows_quarantined == full.rows_quarantined


def test_a_file_moved_to_another_folder_is_kept_under_its_new_path(tmp_path):
    """ERP exports often land in a folder per night: the same bytes are the same rows."""
    first_sources, second_sources = tmp_path / "2026-11-26", tmp_path / "2026-11-27"
    shutil.copytree(SAMPLE_DIR, first_sources)
    first = tmp_path / "first.duckdb"
    load(first_sources, first, "run1")
    shutil.copytree(SAMPLE_DIR, second_sources)
    second, previous = next_build(first, tmp_path / "second.duckdb")
    bundle = load(second_sources, second, "run2", previous)
    assert "products.csv" in bundle.kept and not bundle.files
    con = duckdb.connect(str(second), read_only=True)
    try:
        files = con.execute("select distinct _source_file from raw.erp_products").fetchall()
        quarantined = con.execute("select distinct source_file from audit.quarantine").fetchall()
        lineage = con.execute("select source_file from audit.load_lineage where raw_table = 'erp_products'")
        lineage = lineage.fetchall()
    finally:
        con.close()
    now = str((second_sources / "products.csv").resolve())
    assert files == [(now,)] and lineage == [(now,)]
    assert quarantined == [(now,)]


def test_relations_no_model_builds_any_more_are_dropped(tmp_path):
    database = tmp_path / "hsguard.duckdb"
    con = duckdb.connect(str(database))
    for statement in (
        "create schema marts",
        "create schema raw",
        "create table marts.kept as select 1 as x",
        "create table marts.removed_model as select 1 as x",
        "create view marts.removed_view as select 1 as x",
        "create table raw.not_dbts as select 1 as x",
    ):
        con.execute(statement)
    con.close()
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps({"nodes": {"model.p.kept": {"resource_type": "model", "schema": "marts", "name": "kept"}}})
    )
    assert sorted(drop_stale_relations(database, manifest)) == ["marts.removed_model", "marts.removed_view"]
    con = duckdb.connect(str(database), read_only=True)
    left = con.execute("select table_schema || '.' || table_name from information_schema.tables order by 1")
    assert [r[0] for r in left.fetchall()] == ["marts.kept", "raw.not_dbts"]
    con.close()


def spec() -> SuiteSpec:
    import great_expectations.expectations as gxe

    return SuiteSpec(
        name="input_things",
        query="select * from raw.things",
        key_column="id",
        raw_table="things",
        blocking=False,
        is_input=True,
        expectations=[gxe.ExpectColumnValuesToMatchRegex(column="code", regex=r"^[0-9]+$")],
    )


def test_relations_read_by_a_suite_query():
    assert relations_read("select * from raw.a as x join marts.b on 1 left join (select 1) q") == [
        "marts.b",
        "raw.a",
    ]


def test_a_suite_input_token_follows_the_rows_not_the_run_stamp():
    con = duckdb.connect()
    con.execute("create schema raw")
    con.execute(
        "create table raw.things as select range::varchar as id, 'x' as code, 'r1' as _run_id from range(3)"
    )
    code = validation_code_version()
    token = suite_input_token(con, spec(), code)
    con.execute("update raw.things set _run_id = 'r2'")
    assert suite_input_token(con, spec(), code) == token
    con.execute("update raw.things set code = '7' where id = '1'")
    assert suite_input_token(con, spec(), code) != token
    assert suite_input_token(con, spec(), "other code") != suite_input_token(con, spec(), code)


def test_a_suite_with_the_published_inputs_takes_the_published_results(tmp_path):
    con = duckdb.connect()
    con.execute("create schema raw")
    con.execute("create table raw.things as select range as id, 'x' as code from range(3)")
    first = run_suites(con, [spec()], "run1", tmp_path / "first")
    assert not first[0].reused and not first[0].success
    assert sorted(f["row_number"] for f in first[0].findings) == [0, 1, 2]
    previous = (first[0].results, pl.DataFrame(first[0].findings, schema=FINDINGS_SCHEMA))

    again = run_suites(con, [spec()], "run2", tmp_path / "second", previous)
    assert again[0].reused and not again[0].success
    assert again[0].results["run_id"].to_list() == ["run2"] * first[0].results.height
    assert again[0].results.drop("run_id", "reused").equals(first[0].results.drop("run_id", "reused"))
    assert sorted(f["row_number"] for f in again[0].findings) == [0, 1, 2]
    assert not (tmp_path / "second").exists()  # no GX context was even created

    con.execute("update raw.things set code = '1' where id = 0")
    changed = run_suites(con, [spec()], "run3", tmp_path / "third", previous)
    assert not changed[0].reused
    assert sorted(f["row_number"] for f in changed[0].findings) == [1, 2]
    assert set(RESULT_COLUMNS) == set(changed[0].results.columns)
