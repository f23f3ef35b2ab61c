"""Sources for the Spark engine: the ``raw.*`` and ``audit.*`` tables of a DuckDB build (the
normal ingest's output), written as Parquet under the Spark warehouse directory and registered
as Spark tables of the same names, so the dbt target ``spark`` reads the same sources as the
DuckDB build.

The tables are external Parquet tables: ``<warehouse>/_sources/<schema>/<table>/``. A
registration replaces the previous one of the same table (its Parquet files too).

``spark_session`` starts a local Spark with the settings of the ``spark`` output in
profiles.yml (the same environment variables); dbt-spark's session mode joins the session
that is already running in the process, so a caller that registers the sources and then runs
dbt in the same process uses one Spark for both.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

#: The schemas whose tables the models read as dbt sources (Python writes them; dbt the rest).
SOURCE_SCHEMAS = ("raw", "audit")

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def spark_settings(warehouse_dir: Path, master: str | None = None) -> dict[str, str]:
    """The Spark settings of profiles.yml's ``spark`` output for a warehouse directory (the
    environment variables it reads apply here too; ``master`` overrides HSGUARD_SPARK_MASTER)."""
    warehouse = str(Path(warehouse_dir).resolve())
    return {
        "spark.master": master or os.environ.get("HSGUARD_SPARK_MASTER", "local[2]"),
        "spark.app.name": "hsguard-dbt",
        "spark.sql.warehouse.dir": warehouse,
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={warehouse}/metastore_db;create=true"
        ),
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={warehouse}",
        "spark.sql.ansi.enabled": "false",
        "spark.sql.shuffle.partitions": os.environ.get("HSGUARD_SPARK_SHUFFLE_PARTITIONS", "4"),
        "spark.ui.enabled": "false",
        "spark.driver.memory": os.environ.get("HSGUARD_SPARK_DRIVER_MEMORY", "2g"),
    }


def spark_session(warehouse_dir: Path, master: str | None = None) -> SparkSession:
    """A SparkSession (Hive catalogue: the tables outlive the process) on ``warehouse_dir``."""
    from pyspark.sql import SparkSession

    Path(warehouse_dir).mkdir(parents=True, exist_ok=True)
    builder = SparkSession.builder.enableHiveSupport()
    for key, value in spark_settings(warehouse_dir, master).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def source_tables(con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...] = SOURCE_SCHEMAS) -> list[tuple[str, str]]:
    """(schema, table) of every table of ``schemas`` in a DuckDB warehouse, in name order."""
    placeholders = ", ".join("?" for _ in schemas)
    rows = con.execute(
        "select table_schema, table_name from information_schema.tables "
        f"where table_type = 'BASE TABLE' and table_schema in ({placeholders}) "  # noqa: S608
        "order by table_schema, table_name",
        list(schemas),
    ).fetchall()
    return [(schema, table) for schema, table in rows]


def register_raw_tables(
    duckdb_path: Path,
    spark: SparkSession,
    warehouse_dir: Path,
    schemas: tuple[str, ...] = SOURCE_SCHEMAS,
) -> dict[str, int]:
    """Export every table of ``schemas`` in the DuckDB warehouse ``duckdb_path`` to Parquet
    under ``warehouse_dir`` and register it in ``spark`` as ``<schema>.<table>``; returns the
    row count of each (``raw.erp_products`` -> 100). Types map through Parquet (VARCHAR ->
    string, TIMESTAMP WITH TIME ZONE -> timestamp, TIMESTAMP -> timestamp_ntz, ...)."""
    root = Path(warehouse_dir).resolve() / "_sources"
    counts: dict[str, int] = {}
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        tables = source_tables(con, schemas)
        for schema in sorted({schema for schema, _ in tables}):
            spark.sql(f"create database if not exists `{schema}`")
        for schema, table in tables:
            if not (_IDENTIFIER.match(schema) and _IDENTIFIER.match(table)):
                raise ValueError(f"unsafe table name {schema}.{table}")
            directory = root / schema / table
            spark.sql(f"drop table if exists `{schema}`.`{table}`")
            shutil.rmtree(directory, ignore_errors=True)
            directory.mkdir(parents=True)
            target = str(directory / "part-0.parquet").replace("'", "''")
            con.execute(f'copy (select * from "{schema}"."{table}") to \'{target}\' (format parquet)')
            location = str(directory).replace("'", "\\'")
            spark.sql(f"create table `{schema}`.`{table}` using parquet location '{location}'")
            counts[f"{schema}.{table}"] = con.execute(
                f'select count(*) from "{schema}"."{table}"'  # noqa: S608
            ).fetchone()[0]
    return counts
