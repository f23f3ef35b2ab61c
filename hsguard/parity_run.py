"""``hsguard parity``: the same sources built on DuckDB and on Spark, every mart compared.

The DuckDB side is a normal run (``hsguard run``: ingest with its quarantine rules,
input validation, dbt build, report feeds), or a warehouse such a run published
(``--duckdb-warehouse``). The Spark side starts from that warehouse's ingested tables
(raw.* and audit.*, exported to Parquet and registered by hsguard.spark_raw: one ingest
implementation, so both engines transform the same rows), stamps the models with the
DuckDB run's id, and builds the whole dbt project once with ``dbt build --target
spark``. Then every table of ``marts`` and every ``rpt_*`` of ``reports`` is compared
row by row (hsguard.parity), except the models in EXCLUDED_MODELS.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from hsguard import spark
from hsguard.dbt import DbtBuildError
from hsguard.parity import (
    DEFAULT_DECIMALS,
    DEFAULT_SHOWN,
    EXCLUDED_COLUMNS,
    EXCLUDED_MODELS,
    MartComparison,
    compare_frames,
)
from hsguard.spark_build import (
    MART_SCHEMAS,
    SparkBuild,
    dbt_build_on_spark,
    parse_on_spark,
    read_spark_table,
    spark_tables,
)

#: The catalogue of the Spark side of a parity build (hsguard.spark.CATALOGS): built,
#: compared and thrown away in one process, so Spark's in-memory catalogue, which needs
#: no metastore (a catalogue does not change what a query returns).
PARITY_CATALOG = "in-memory"


@dataclass
class ParityOutcome:
    comparisons: list[MartComparison]
    excluded: dict[str, str]
    duckdb_warehouse: Path
    run_id: str
    spark_build: SparkBuild | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    # dbt's failure on Spark, when a node failed (the marts it built are still compared)
    spark_failure: str | None = None

    @property
    def equal(self) -> bool:
        return self.spark_failure is None and all(c.equal for c in self.comparisons)


def duckdb_tables(con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...] = MART_SCHEMAS) -> dict[str, str]:
    """``{table: schema}`` of the marts and report feeds (``rpt_*``) of a DuckDB warehouse."""
    rows = con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = current_database() and list_contains(?, table_schema)",
        [list(schemas)],
    ).fetchall()
    return {name: schema for schema, name in rows if schema != "reports" or name.startswith("rpt_")}


def read_duckdb_table(con: duckdb.DuckDBPyConnection, schema: str, table: str):
    """A DuckDB table as a Polars frame; HUGEINT columns (DuckDB's type of an integer sum,
    which its Arrow export turns into doubles) read as BIGINT, the type Spark gives them."""
    columns = con.execute(
        "select column_name, data_type from information_schema.columns where table_catalog = "
        "current_database() and table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    cells = []
    for column, data_type in columns:
        quoted = '"' + column.replace('"', '""') + '"'
        cells.append(f"cast({quoted} as bigint) as {quoted}" if data_type == "HUGEINT" else quoted)
    return con.execute(f'select {", ".join(cells)} from "{schema}"."{table}"').pl()  # noqa: S608 - catalog names


def published_run_id(con: duckdb.DuckDBPyConnection) -> str:
    """The id of the run that built the warehouse (its marts carry it)."""
    row = con.execute("select max(run_id) from marts.dim_products").fetchone()
    if row is None or row[0] is None:
        raise ValueError("the DuckDB warehouse has no built marts (marts.dim_products is empty)")
    return row[0]


def compare_warehouses(
    duckdb_warehouse: Path,
    session,
    decimals: int = DEFAULT_DECIMALS,
    shown: int = DEFAULT_SHOWN,
    excluded: dict[str, str] = EXCLUDED_MODELS,
    columns: dict[str, dict[str, str]] = EXCLUDED_COLUMNS,
) -> list[MartComparison]:
    """Compare every mart of the DuckDB warehouse with the table of the same name in the
    Spark session's catalogue (a mart on one side only is a difference). ``columns``:
    the columns left out, per model ("*": all)."""
    con = duckdb.connect(str(duckdb_warehouse), read_only=True)
    try:
        on_duckdb = duckdb_tables(con)
        on_spark = spark_tables(session)
        comparisons = []
        for name in sorted(set(on_duckdb) | set(on_spark)):
            if name in excluded:
                continue
            if name not in on_spark or name not in on_duckdb:
                side = "Spark" if name not in on_spark else "DuckDB"
                missing = MartComparison(name, 0, 0, problems=[f"no such table on {side}"])
                comparisons.append(missing)
                continue
            duck = read_duckdb_table(con, on_duckdb[name], name)
            comparisons.append(
                compare_frames(
                    name, duck, read_spark_table(session, on_spark[name], name), decimals, shown, columns
                )
            )
        return comparisons
    finally:
        con.close()


class BackgroundParse:
    """hsguard.spark_build.parse_on_spark in a thread, started at once; ``manifest()``
    waits for it (None when the parse failed: the build parses again and reports why)."""

    def __init__(self, work_dir: Path, run_id: str) -> None:
        self._manifest = None
        self._thread = threading.Thread(target=self._parse, args=(work_dir, run_id), name="dbt-parse")
        self._thread.start()

    def _parse(self, work_dir: Path, run_id: str) -> None:
        try:
            self._manifest = parse_on_spark(work_dir, run_id)
        except Exception:  # noqa: BLE001 - the build parses again and fails with the reason
            logging.getLogger(__name__).exception("dbt parse for the spark target failed")

    def manifest(self):
        self._thread.join()
        return self._manifest


def duckdb_run(sources: Path, work_dir: Path) -> Path:
    """A normal hsguard run (the nightly flow) of ``sources`` into WORK_DIR; its warehouse."""
    from flows.nightly import nightly

    warehouse = work_dir / "duckdb" / "hsguard.duckdb"
    summary = nightly(
        sources=str(sources), warehouse=str(warehouse), reports=str(work_dir / "duckdb_reports")
    )
    if "refused" in summary:
        raise ValueError(f"the DuckDB run refused the input: {summary['refused']}")
    return warehouse


def parity(
    sources: Path | None,
    work_dir: Path,
    duckdb_warehouse: Path | None = None,
    master: str | None = None,
    decimals: int = DEFAULT_DECIMALS,
    shown: int = DEFAULT_SHOWN,
    progress=print,
    tests: bool = False,
    threads: int | None = None,
) -> ParityOutcome:
    """Build both sides (module docstring) and compare them. ``work_dir`` holds the
    DuckDB run (when no ``duckdb_warehouse`` is given), the Spark warehouse and dbt's files.
    ``tests``: run the data and unit tests on Spark too (the DuckDB build ran them on the
    same rows; equal marts are the stronger check, and the tests take most of the time).
    ``threads``: dbt's threads on Spark."""
    from hsguard import spark_raw

    spark.require_spark()
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    if duckdb_warehouse is None:
        progress(f"DuckDB: hsguard run on {sources} ...")
        duckdb_warehouse = duckdb_run(sources, work_dir)
        seconds["duckdb"] = time.perf_counter() - started
    con = duckdb.connect(str(duckdb_warehouse), read_only=True)
    try:
        run_id = published_run_id(con)
    finally:
        con.close()
    t = time.perf_counter()
    # the Spark side lives in this process only: Spark's in-memory catalogue (no Derby
    # metastore to create and write, PARITY_CATALOG), its table files in a fresh directory
    shutil.rmtree(work_dir / "spark", ignore_errors=True)
    spark.configure(work_dir / "spark", master)
    # dbt parses the project (Python, one core) while the JVM starts and the sources are
    # registered (mostly Spark's threads): the two overlap on two cores
    parser = BackgroundParse(work_dir / "spark_dbt", run_id)
    session = spark.session(catalog=PARITY_CATALOG)
    progress(f"Spark: registering the ingested tables of {duckdb_warehouse.name} ...")
    spark_raw.register_raw_tables(duckdb_warehouse, session, work_dir / "spark")
    seconds["spark_raw"] = time.perf_counter() - t
    t = time.perf_counter()
    progress("Spark: dbt build --target spark" + ("" if tests else " (seeds and models)") + " ...")
    built, failure = None, None
    try:
        manifest = parser.manifest()
        built = dbt_build_on_spark(
            work_dir / "spark_dbt", run_id, tests=tests, threads=threads, manifest=manifest
        )
    except DbtBuildError as exc:
        failure = str(exc)
        progress(f"Spark: {failure[:600]}")
    seconds["spark_dbt"] = time.perf_counter() - t
    t = time.perf_counter()
    comparisons = compare_warehouses(duckdb_warehouse, session, decimals, shown)
    seconds["compare"] = time.perf_counter() - t
    return ParityOutcome(
        comparisons, dict(EXCLUDED_MODELS), duckdb_warehouse, run_id, built, seconds, failure
    )


#: Left out when two separate runs are compared (``hsguard parity --spark-warehouse``):
#: each run stamps its rows with its own id.
SEPARATE_RUN_COLUMNS = {
    "*": {
        **EXCLUDED_COLUMNS.get("*", {}),
        "run_id": "each run stamps its own id",
        "loaded_at": "each run's ingest time",
    }
}


def compare_published(
    duckdb_warehouse: Path,
    spark_warehouse: Path,
    decimals: int = DEFAULT_DECIMALS,
    shown: int = DEFAULT_SHOWN,
) -> ParityOutcome:
    """Compare the marts a DuckDB run published with those an ``hsguard run --engine
    spark`` published (the views of ``marts`` and ``reports`` in SPARK_WAREHOUSE): two
    separate runs of the same sources, so ``run_id`` is left out."""
    spark.require_spark()
    started = time.perf_counter()
    spark.configure(spark_warehouse)
    session = spark.session()
    comparisons = compare_warehouses(duckdb_warehouse, session, decimals, shown, columns=SEPARATE_RUN_COLUMNS)
    con = duckdb.connect(str(duckdb_warehouse), read_only=True)
    try:
        run_id = published_run_id(con)
    finally:
        con.close()
    seconds = {"compare": time.perf_counter() - started}
    return ParityOutcome(comparisons, dict(EXCLUDED_MODELS), duckdb_warehouse, run_id, None, seconds)
