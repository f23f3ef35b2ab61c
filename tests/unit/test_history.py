"""audit.flag_history: new, still present, overridden, resolved and reopened flags across runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from hsguard.history import HISTORY_COLUMNS, update_flag_history
from hsguard.loading import carry_history

T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


def set_flags(con: duckdb.DuckDBPyConnection, rows: list[tuple], with_override: bool = True) -> None:
    """Replace the mart with ``rows`` of (flag_id, sku, check_code, scheme, shipment_id, is_overridden)."""
    con.execute("create schema if not exists marts")
    override = ", is_overridden boolean" if with_override else ""
    con.execute(
        "create or replace table marts.fct_classification_flags (flag_id varchar, sku varchar, "
        f"check_code varchar, scheme varchar, shipment_id varchar{override})"
    )
    for row in rows:
        values = row if with_override else row[:5]
        con.execute(
            f"insert into marts.fct_classification_flags values ({', '.join('?' * len(values))})",  # noqa: S608
            list(values),
        )


def history(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    cursor = con.execute("select * from audit.flag_history order by flag_id")
    names = [d[0] for d in cursor.description]
    return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


@pytest.fixture
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


def test_first_run_inserts_every_flag(con):
    set_flags(con, [("f1", "A", "HS_MISSING", "HTSUS", None, False), ("f2", "B", "X", "ECCN", "S1", True)])
    changes = update_flag_history(con, "run1", T0)
    assert (changes.new, changes.resolved, changes.overridden, changes.total) == (2, 0, 1, 2)
    rows = history(con)
    assert list(rows["f1"]) == list(HISTORY_COLUMNS)
    assert rows["f1"]["first_seen_run_id"] == rows["f1"]["last_seen_run_id"] == "run1"
    assert rows["f1"]["first_seen_at"] == T0 and rows["f1"]["status"] == "open"
    assert rows["f2"]["status"] == "overridden" and rows["f2"]["shipment_id"] == "S1"
    assert rows["f1"]["resolved_run_id"] is None


def test_later_runs_update_resolve_and_reopen(con):
    set_flags(con, [("f1", "A", "HS_MISSING", "HTSUS", None, False), ("f2", "B", "X", "HTSUS", None, False)])
    update_flag_history(con, "run1", T0)

    t1 = T0 + timedelta(days=1)
    set_flags(con, [("f1", "A", "HS_MISSING", "HTSUS", None, True), ("f3", "C", "Y", "CN", None, False)])
    changes = update_flag_history(con, "run2", t1)
    assert (changes.new, changes.resolved, changes.reopened) == (1, 1, 0)
    rows = history(con)
    assert rows["f1"]["first_seen_run_id"] == "run1" and rows["f1"]["last_seen_run_id"] == "run2"
    assert rows["f1"]["last_seen_at"] == t1 and rows["f1"]["status"] == "overridden"
    assert rows["f2"]["status"] == "resolved" and rows["f2"]["resolved_run_id"] == "run2"
    assert rows["f2"]["last_seen_run_id"] == "run1"  # the last run that had it
    assert rows["f3"]["first_seen_run_id"] == "run2"

    t2 = T0 + timedelta(days=2)
    set_flags(con, [("f2", "B", "X", "HTSUS", None, False), ("f3", "C", "Y", "CN", None, False)])
    changes = update_flag_history(con, "run3", t2)
    assert (changes.new, changes.resolved, changes.reopened, changes.total) == (0, 1, 1, 3)
    rows = history(con)
    assert rows["f2"]["status"] == "open" and rows["f2"]["resolved_run_id"] is None
    assert rows["f2"]["first_seen_run_id"] == "run1" and rows["f2"]["last_seen_run_id"] == "run3"
    assert rows["f1"]["status"] == "resolved" and rows["f1"]["resolved_run_id"] == "run3"

    # a resolved flag that stays away is not resolved again
    changes = update_flag_history(con, "run4", t2 + timedelta(days=1))
    assert changes.resolved == 0 and history(con)["f1"]["resolved_run_id"] == "run3"


def test_mart_without_override_columns(con):
    set_flags(con, [("f1", "A", "HS_MISSING", "HTSUS", None, True)], with_override=False)
    update_flag_history(con, "run1", T0)
    assert history(con)["f1"]["status"] == "open"


def test_values_are_bound_not_interpolated(con):
    evil = "x'); drop table audit.flag_history; --"
    set_flags(con, [(evil, evil, evil, "HTSUS", evil, False)])
    update_flag_history(con, evil, T0)
    rows = history(con)
    assert rows[evil]["first_seen_run_id"] == evil and rows[evil]["sku"] == evil


def test_failed_update_leaves_history_unchanged(con):
    set_flags(con, [("f1", "A", "HS_MISSING", "HTSUS", None, False)])
    update_flag_history(con, "run1", T0)
    con.execute("drop table marts.fct_classification_flags")
    with pytest.raises(duckdb.Error):
        update_flag_history(con, "run2", T0)
    assert history(con)["f1"]["last_seen_run_id"] == "run1"
    with pytest.raises(ValueError):
        update_flag_history(con, "", T0)


def test_carry_history_copies_flag_history(tmp_path: Path):
    published = tmp_path / "published" / "hsguard.duckdb"
    published.parent.mkdir()
    old = duckdb.connect(str(published))
    set_flags(old, [("f1", "A", "HS_MISSING", "HTSUS", None, False)])
    update_flag_history(old, "run1", T0)
    old.execute("create table audit.run_history as select 'run1' as run_id")
    old.close()

    build = duckdb.connect(str(tmp_path / "build.duckdb"))
    try:
        assert carry_history(build, published) == 1
        assert history(build)["f1"]["first_seen_run_id"] == "run1"
        set_flags(build, [])
        assert update_flag_history(build, "run2", T0).resolved == 1
    finally:
        build.close()
    check = duckdb.connect(str(published), read_only=True)
    try:
        assert history(check)["f1"]["status"] == "open"  # the published file is never written
    finally:
        check.close()


def test_carry_history_without_published_or_flag_history(tmp_path: Path):
    build = duckdb.connect(str(tmp_path / "build.duckdb"))
    try:
        assert carry_history(build, tmp_path / "absent.duckdb") == 0
        published = tmp_path / "old.duckdb"
        duckdb.connect(str(published)).close()
        assert carry_history(build, published) == 0
        tables = build.execute(
            "select count(*) from information_schema.tables where table_schema = 'audit'"
        ).fetchone()[0]
        assert tables == 0
    finally:
        build.close()
