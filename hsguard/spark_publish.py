"""A Spark run's private schemas, its audit tables, and the switch that publishes it.

A Spark run never writes what readers read. dbt builds every model of the run into
databases of its own, ``<prefix><schema>`` (``run_20261201t020000z_3fa9c1_marts``, ...:
macros/generate_schema_name.sql reads the prefix from HSGUARD_SCHEMA_PREFIX). Readers
query the stable databases ``marts`` and ``reports``, which hold only views. Publishing
(dbt's ``run-operation publish_views``, macros/publish.sql) repoints every one of those
views at the finished, validated run (``create or replace view``, one metastore
operation each, done last), then drops
the databases of runs older than the previous one. A run that fails or is killed before
publishing leaves the views on the previous run's tables; its own databases are removed
by the next run (drop_runs). The Spark metastore has no multi-statement
transaction: each view switches atomically, the set of views in one quick pass.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import polars as pl

RUN_PREFIX = "run_"
PUBLISHED_SCHEMAS = ("marts", "reports")
#: Python writes these (raw.* by hsguard.spark_raw, audit.* here); dbt never does.
PYTHON_SCHEMAS = ("raw", "audit")
#: The tables the report renders from, besides the report feeds (hsguard.report_exports).
REPORT_EXTRA_TABLES = (("marts", "fct_classification_flags"), ("audit", "quarantine"))


def schema_prefix(run_id: str) -> str:
    """The prefix of a run's databases: ``run_<run id, lower case, - as _>_``."""
    return RUN_PREFIX + re.sub(r"[^a-z0-9]", "_", run_id.lower()) + "_"


#: Schemas a suite's query names that a run builds under its prefix.
PREFIXED = re.compile(r"\b(marts|reports|seeds)\.")


def run_query(query: str, prefix: str) -> str:
    """A suite's (code-owned) query reading the run's databases instead of the published views."""
    return PREFIXED.sub(lambda m: f"{prefix}{m.group(1)}.", query)


def quoted(*parts: str) -> str:
    return ".".join("`" + p.replace("`", "``") + "`" for p in parts)


def write_audit_table(session, table: str, frame: pl.DataFrame, append: bool = False) -> None:
    """Write a Polars frame as the Spark table ``audit.<table>`` (a managed table of the
    Spark warehouse, through Arrow). ``append``: add to the rows there."""
    if not table.isidentifier():
        raise ValueError(f"unsafe table name {table}")
    session.sql("create database if not exists audit")
    incoming = session.createDataFrame(frame.to_arrow()) if frame.height else empty_frame(session, frame)
    incoming.write.mode("append" if append else "overwrite").saveAsTable(f"audit.{table}")


def empty_frame(session, frame: pl.DataFrame):
    """An empty Spark dataframe with ``frame``'s columns (Arrow carries no rows to infer from)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    return session.createDataFrame([], from_arrow_schema(frame.to_arrow().schema))


def run_tables(session, prefix: str, schemas: tuple[str, ...] = PUBLISHED_SCHEMAS) -> dict[str, list[str]]:
    """``{schema: [table, ...]}`` of a run's databases (report feeds: ``rpt_*`` only)."""
    found: dict[str, list[str]] = {}
    for schema in schemas:
        database = prefix + schema
        if not session.catalog.databaseExists(database):
            found[schema] = []
            continue
        names = [t.name for t in session.catalog.listTables(database) if not t.isTemporary]
        found[schema] = sorted(n for n in names if schema != "reports" or n.startswith("rpt_"))
    return found


def publish_run(session, work_dir: Path, prefix: str, run_id: str) -> list[str]:
    """Point the views of ``marts`` and ``reports`` at the run's tables and drop the views
    the run has no table for: dbt's ``run-operation publish_views`` (macros/publish.sql;
    dbt owns those relations), given the tables listed from the catalogue. Returns the
    views published."""
    from hsguard.spark_build import dbt_run_operation

    tables = run_tables(session, prefix)
    stale = {
        schema: sorted(
            t.name
            for t in session.catalog.listTables(schema)
            if not t.isTemporary and t.name not in tables[schema]
        )
        for schema in tables
        if session.catalog.databaseExists(schema)
    }
    args = {"prefix": prefix, "tables": tables, "stale": stale}
    dbt_run_operation(work_dir, "publish_views", args, run_id)
    return [f"{schema}.{name}" for schema, names in tables.items() for name in names]


def published_prefix(session) -> str | None:
    """The prefix of the run the published views read (None before the first publish)."""
    if not session.catalog.databaseExists("marts"):
        return None
    for view in session.catalog.listTables("marts"):
        text = session.sql(f"show create table {quoted('marts', view.name)}").first()[0]
        found = re.search(r"`?(run_[a-z0-9_]+_)marts`?\.", text)
        if found:
            return found.group(1)
    return None


def drop_runs(session, keep: set[str]) -> list[str]:
    """Drop every run's databases whose prefix is not in ``keep``; returns them."""
    dropped = []
    for database in session.catalog.listDatabases():
        name = database.name
        if name.startswith(RUN_PREFIX) and not any(name.startswith(p) for p in keep):
            session.sql(f"drop database if exists {quoted(name)} cascade")
            dropped.append(name)
    return dropped


def report_snapshot(session, prefix: str) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB holding what the report renders, read from Spark: the run's
    report feeds, its flags mart and the quarantine (the renderer queries a DuckDB
    connection; nothing is computed here, the rows are Spark's)."""
    con = duckdb.connect()
    tables = [
        ("reports", prefix + "reports", t) for t in run_tables(session, prefix, ("reports",))["reports"]
    ]
    tables += [(s, (prefix + s) if s == "marts" else s, t) for s, t in REPORT_EXTRA_TABLES]
    for schema, database, table in tables:
        arrow = session.table(quoted(database, table)).toArrow()
        con.execute(f"create schema if not exists {schema}")
        con.register("_incoming", arrow)
        con.execute(f'create table {schema}."{table}" as select * from _incoming')  # noqa: S608 - catalog names
        con.unregister("_incoming")
    return con
