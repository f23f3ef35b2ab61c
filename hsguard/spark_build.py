"""Build the dbt project on Spark from a DuckDB warehouse's ingested tables, and read marts back.

The raw (and audit) tables the one Python ingest wrote into a DuckDB build are
exported to Parquet and registered as Spark tables (hsguard.spark_raw); then a
single ``dbt build --target spark`` builds every model (report feeds included) in the
process's Spark session (hsguard.spark). Used by ``hsguard parity`` and by
``hsguard run --engine spark``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from hsguard import spark
from hsguard.dbt import DbtBuildError, checked_results, invoke_dbt, node_result

#: The schemas (Spark databases) whose tables are compared and published.
MART_SCHEMAS = ("marts", "reports")


@dataclass
class SparkBuild:
    nodes: int
    passed: int
    warned: int
    seconds: float
    node_results: list[dict]


def dbt_build_on_spark(
    work_dir: Path,
    run_id: str,
    select: list[str] | None = None,
    exclude: list[str] | None = None,
    tests: bool = True,
    threads: int | None = None,
    manifest=None,
) -> SparkBuild:
    """One ``dbt build --target spark`` (seeds, models and, with ``tests``, the data and
    unit tests) in this process's Spark session (start it with hsguard.spark.session()
    first); raises DbtBuildError when a node fails. ``run_id`` stamps the models as on
    DuckDB. ``threads``: dbt's threads (default: the profile's). ``manifest``: the
    project as parse_on_spark parsed it (default: dbt parses it first)."""
    started = time.perf_counter()
    command = ["build", "--target", spark.SPARK_TARGET]
    if select:
        command += ["--select", *select]
    if exclude:
        command += ["--exclude", *exclude]
    if not tests:
        command += ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
    if threads:
        command += ["--threads", str(threads)]
    # the DuckDB path is not used by the spark target; dbt's files go to WORK_DIR
    result = invoke_dbt(
        command, work_dir / "unused.duckdb", work_dir, run_id=run_id, log_to_python=True, manifest=manifest
    )
    node_results, _ = checked_results(result, "dbt build --target spark")
    results = [node_result(r) for r in node_results if str(r.node.resource_type) != "exposure"]
    return SparkBuild(
        nodes=len(results),
        passed=sum(1 for r in results if r["status"] in ("success", "pass")),
        warned=sum(1 for r in results if r["status"] == "warn"),
        seconds=time.perf_counter() - started,
        node_results=results,
    )


def parse_on_spark(work_dir: Path, run_id: str):
    """dbt's parse of the project for the ``spark`` target, for dbt_build_on_spark's
    ``manifest``: dbt parses without a connection, so this can run (in a thread) while
    Spark starts. None when the parse fails (the build then parses again and says why)."""
    result = invoke_dbt(
        ["parse", "--target", spark.SPARK_TARGET],
        work_dir / "unused.duckdb",
        work_dir,
        run_id=run_id,
        log_to_python=True,
    )
    return result.result if result.success else None


def dbt_run_operation(work_dir: Path, macro: str, args: dict, run_id: str) -> None:
    """``dbt run-operation MACRO --args ARGS --target spark`` in this process's Spark
    session; raises DbtBuildError when it fails."""
    import json

    command = ["run-operation", macro, "--args", json.dumps(args), "--target", spark.SPARK_TARGET]
    result = invoke_dbt(command, work_dir / "unused.duckdb", work_dir, run_id=run_id, log_to_python=True)
    if result.exception is not None and not isinstance(result.exception, Exception):
        raise result.exception
    if result.exception is not None or not result.success:
        raise DbtBuildError(f"dbt run-operation {macro} failed: {result.exception or 'see the dbt log'}")


def spark_tables(session, schemas: tuple[str, ...] = MART_SCHEMAS) -> dict[str, str]:
    """``{table: schema}`` of the tables and views in ``schemas`` of the Spark catalogue
    (report feeds: ``rpt_*`` only)."""
    found = {}
    for schema in schemas:
        if not session.catalog.databaseExists(schema):
            continue
        for table in session.catalog.listTables(schema):
            if schema == "reports" and not table.name.startswith("rpt_"):
                continue
            found[table.name] = schema
    return found


def read_spark_table(session, schema: str, table: str) -> pl.DataFrame:
    """A Spark table as a Polars frame (through Arrow)."""
    return pl.from_arrow(session.table(f"`{schema}`.`{table}`").toArrow())
