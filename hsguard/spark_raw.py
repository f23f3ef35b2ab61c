"""Sources for the Spark engine: the ``raw.*`` and ``audit.*`` tables of a DuckDB build (the
normal ingest's output), written as Parquet under the Spark warehouse directory and registered
as Spark tables of the same names, so the dbt target ``spark`` reads the same sources as the
DuckDB build.

The tables are external Parquet tables: ``<warehouse>/_sources/<schema>/<table>/``. A
registration replaces the previous one of the same table (its Parquet files too).

``spark_session`` starts the process's Spark (hsguard.spark: the settings of the ``spark``
output in profiles.yml); dbt-spark's session mode joins the session that is already running
in the process, so a caller that registers the sources and then runs dbt in the same process
uses one Spark for both.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from hsguard.paths import PROJECT_ROOT

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

#: The schemas whose tables the models read as dbt sources (Python writes them; dbt the rest).
SOURCE_SCHEMAS = ("raw", "audit")

#: The screening evaluation set's names (a dbt seed; its party names are screened in every build).
EVALUATION_NAMES = PROJECT_ROOT / "tests" / "screening_evaluation" / "seed" / "screening_evaluation_names.csv"

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def spark_session(warehouse_dir: Path, master: str | None = None) -> SparkSession:
    """The process's SparkSession on ``warehouse_dir`` (its tables and Derby metastore),
    started with the settings of profiles.yml's ``spark`` output (hsguard.spark)."""
    from hsguard import spark

    spark.configure(Path(warehouse_dir), master)
    return spark.session()


def source_tables(
    con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...] = SOURCE_SCHEMAS
) -> list[tuple[str, str]]:
    """(schema, table) of every table of ``schemas`` in a DuckDB warehouse, in name order."""
    rows = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_type = 'BASE TABLE' and list_contains(?, table_schema) "
        "order by table_schema, table_name",
        [list(schemas)],
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
    row count of each (``raw.erp_products`` -> 100). Types: SPARK_TYPES (a TIMESTAMP, with or
    without time zone, is a Spark timestamp in the session time zone UTC)."""
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
            con.execute(f'copy (select * from "{schema}"."{table}") to \'{target}\' (format parquet)')  # noqa: S608
            location = str(directory).replace("'", "\\'")
            columns = _spark_columns(con, schema, table)
            spark.sql(f"create table `{schema}`.`{table}` {columns}using parquet location '{location}'")
            counts[f"{schema}.{table}"] = con.execute(
                f'select count(*) from "{schema}"."{table}"'  # noqa: S608
            ).fetchone()[0]
        if "raw" in schemas:
            counts.update(_register_screening_keys(con, spark, root))
    return counts


#: DuckDB column types -> Spark types of the same values as Parquet carries them.
SPARK_TYPES = {
    "VARCHAR": "string",
    "BIGINT": "bigint",
    "INTEGER": "int",
    "SMALLINT": "smallint",
    "DOUBLE": "double",
    "FLOAT": "float",
    "BOOLEAN": "boolean",
    "DATE": "date",
    # a DuckDB TIMESTAMP is UTC by the project's convention: Spark's timestamp in the
    # session time zone UTC (profiles.yml), as the models and contracts expect
    "TIMESTAMP": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamp",
}


def _spark_columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> str:
    """The column list of a Spark table for a DuckDB table (``(a string, b bigint) ``), so
    that Spark need not read the Parquet files to learn it; empty (Spark infers it) for a
    type not in SPARK_TYPES."""
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    if not all(data_type in SPARK_TYPES and _IDENTIFIER.match(name) for name, data_type in rows):
        return ""
    return "(" + ", ".join(f"`{name}` {SPARK_TYPES[data_type]}" for name, data_type in rows) + ") "


def _register_frame(spark: SparkSession, frame: pl.DataFrame, root: Path, table: str) -> int:
    directory = root / "raw" / table
    spark.sql(f"drop table if exists raw.`{table}`")
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    frame.write_parquet(directory / "part-0.parquet")
    location = str(directory).replace("'", "\\'")
    spark.sql(f"create table raw.`{table}` using parquet location '{location}'")
    return frame.height


def _register_screening_keys(
    con: duckdb.DuckDBPyConnection, spark: SparkSession, root: Path
) -> dict[str, int]:
    """The screening keys the DuckDB build computes in its dbt Python models
    (int_screening_list_names, int_screening_party_names), which dbt-spark cannot run in
    session mode: ``raw.screening_list_name_keys`` (every list name with its key) and
    ``raw.screening_party_name_keys`` (every end user of the shipments and every name of the
    screening evaluation set, trimmed as the models trim them, with its key). The same
    functions (hsguard.screening_names, hsguard.screening.party_name_key); the Spark
    models of the same names read these tables (models/*/screening/spark, .../spark)."""
    from hsguard.screening import KEY_VERSION, party_name_key
    from hsguard.screening_names import screening_list_names

    entries = con.execute("select entry_id, name, alt_names from raw.ref_screening_entries").pl()
    names = screening_list_names(entries)
    list_keys = {name: party_name_key(name) for name in names["matched_name"].unique().to_list()}
    names = names.with_columns(
        pl.col("matched_name").replace_strict(list_keys, return_dtype=pl.Utf8).alias("name_key"),
        pl.lit(KEY_VERSION).alias("key_version"),
    )
    # trim() as the models: DuckDB's and Spark's trim both remove spaces only
    end_users = [
        row[0]
        for row in con.execute(
            "select distinct trim(end_user) from raw.erp_shipments "
            "where end_user is not null and trim(end_user) != ''"
        ).fetchall()
    ]
    evaluation = pl.read_csv(EVALUATION_NAMES, infer_schema=False)["party_name"].drop_nulls().to_list()
    party_names = sorted(set(end_users) | {name.strip(" ") for name in evaluation})
    party_keys = pl.DataFrame(
        {
            "party_name": party_names,
            "name_key": [party_name_key(name) for name in party_names],
            "key_version": [KEY_VERSION] * len(party_names),
        },
        schema={"party_name": pl.Utf8, "name_key": pl.Utf8, "key_version": pl.Utf8},
    )
    return {
        f"raw.{table}": _register_frame(spark, frame, root, table)
        for table, frame in (("screening_list_name_keys", names), ("screening_party_name_keys", party_keys))
    }
