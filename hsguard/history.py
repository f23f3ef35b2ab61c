"""Flag history across runs: ``audit.flag_history``, one row per flag_id ever seen.

Plain functions (no Prefect), called by the report flow after dbt has built the marts and
before the report is rendered. The table is carried from the published warehouse into each
build by ``hsguard.loading.carry_history``, so it accumulates over published runs only: a run
that fails never publishes its build, and the history it updated is thrown away with it.

For the run ``run_id``, against ``marts.fct_classification_flags``:

- a flag not in the history is inserted (first_seen = last_seen = this run);
- a flag still present gets last_seen = this run and status ``open`` or ``overridden``
  (``is_overridden`` of the mart); a flag resolved earlier that is back is open again
  (first_seen kept, resolved_run_id cleared);
- a flag in the history, not resolved, that the mart no longer has is ``resolved`` in this
  run (resolved_run_id, resolved_at); its last_seen stays the last run that had it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

HISTORY_TABLE = "audit.flag_history"
FLAGS_TABLE = "marts.fct_classification_flags"
STATUSES = ("open", "resolved", "overridden")

# Column name -> DuckDB type. Names and types come from code only.
HISTORY_COLUMNS: dict[str, str] = {
    "flag_id": "varchar",
    "sku": "varchar",
    "check_code": "varchar",
    "scheme": "varchar",
    "shipment_id": "varchar",
    "first_seen_run_id": "varchar",
    "first_seen_at": "timestamptz",
    "last_seen_run_id": "varchar",
    "last_seen_at": "timestamptz",
    "status": "varchar",
    "resolved_run_id": "varchar",
    "resolved_at": "timestamptz",
}


@dataclass(frozen=True)
class HistoryUpdate:
    """What one run changed in ``audit.flag_history``."""

    new: int  # first seen in this run
    open_flags: int  # open after this run (new ones included)
    overridden: int  # present in this run, overridden by a reviewer
    reopened: int
    resolved: int
    total: int


def ensure_history_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``audit.flag_history`` when absent; add columns a carried older table lacks."""
    con.execute("create schema if not exists audit")
    columns = ", ".join(f"{name} {kind}" for name, kind in HISTORY_COLUMNS.items())
    con.execute(f"create table if not exists {HISTORY_TABLE} ({columns})")
    present = {
        row[0]
        for row in con.execute(
            "select column_name from information_schema.columns "
            "where table_catalog = current_database() and table_schema = 'audit' "
            "and table_name = 'flag_history'"
        ).fetchall()
    }
    for name, kind in HISTORY_COLUMNS.items():
        if name not in present:
            con.execute(f"alter table {HISTORY_TABLE} add column {name} {kind}")


def _has_column(con: duckdb.DuckDBPyConnection, schema: str, table: str, column: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.columns where table_catalog = current_database() "
            "and table_schema = ? and table_name = ? and column_name = ?",
            [schema, table, column],
        ).fetchone()[0]
    )


def update_flag_history(
    con: duckdb.DuckDBPyConnection, run_id: str, seen_at: datetime, flags_table: str = FLAGS_TABLE
) -> HistoryUpdate:
    """Merge this run's flags into ``audit.flag_history`` (one transaction); return the
    changes. ``flags_table`` (``schema.table``, a name from code): where the run's flags
    are, when not in the mart itself (the Spark engine copies its flags into DuckDB)."""
    if not run_id:
        raise ValueError("run_id is required")
    ensure_history_table(con)
    flags_schema, flags_name = flags_table.split(".")
    overridden = (
        "coalesce(is_overridden, false)"
        if _has_column(con, flags_schema, flags_name, "is_overridden")
        else "false"
    )
    con.execute("begin transaction")
    try:
        con.execute(
            "create or replace temp table _current_flags as "  # noqa: S608 - names from code
            "select flag_id, any_value(sku) as sku, any_value(check_code) as check_code, "
            "any_value(scheme) as scheme, any_value(shipment_id) as shipment_id, "
            f"bool_or({overridden}) as is_overridden from {flags_table} group by flag_id"
        )
        reopened = con.execute(
            f"select count(*) from {HISTORY_TABLE} h join _current_flags c using (flag_id) "  # noqa: S608
            "where h.status = 'resolved'"
        ).fetchone()[0]
        con.execute(
            f"update {HISTORY_TABLE} as h set "  # noqa: S608
            "sku = c.sku, check_code = c.check_code, scheme = c.scheme, shipment_id = c.shipment_id, "
            "last_seen_run_id = ?, last_seen_at = ?, "
            "status = case when c.is_overridden then 'overridden' else 'open' end, "
            "resolved_run_id = null, resolved_at = null "
            "from _current_flags c where h.flag_id = c.flag_id",
            [run_id, seen_at],
        )
        new = con.execute(
            f"insert into {HISTORY_TABLE} by name "  # noqa: S608
            "select c.flag_id, c.sku, c.check_code, c.scheme, c.shipment_id, "
            "? as first_seen_run_id, ? as first_seen_at, ? as last_seen_run_id, ? as last_seen_at, "
            "case when c.is_overridden then 'overridden' else 'open' end as status, "
            "null as resolved_run_id, null as resolved_at "
            f"from _current_flags c where c.flag_id not in (select flag_id from {HISTORY_TABLE})",
            [run_id, seen_at, run_id, seen_at],
        ).fetchone()[0]
        resolved = con.execute(
            f"update {HISTORY_TABLE} set status = 'resolved', resolved_run_id = ?, resolved_at = ? "  # noqa: S608
            "where status <> 'resolved' and flag_id not in (select flag_id from _current_flags)",
            [run_id, seen_at],
        ).fetchone()[0]
        counts = con.execute(
            f"select count(*) filter (where status = 'open' and last_seen_run_id = ?), "  # noqa: S608
            "count(*) filter (where status = 'overridden' and last_seen_run_id = ?), count(*) "
            f"from {HISTORY_TABLE}",
            [run_id, run_id],
        ).fetchone()
        con.execute("drop table _current_flags")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    open_now, overridden_now, total = counts
    return HistoryUpdate(
        new=new,
        open_flags=open_now,
        overridden=overridden_now,
        reopened=reopened,
        resolved=resolved,
        total=total,
    )
