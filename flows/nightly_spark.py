"""The nightly reconciliation on Apache Spark: ingest -> validate -> dbt -> report -> publish.

The same stages, checks and report as flows/nightly.py, with Spark doing the set work:

1. ingest: the one Python ingest (contracts, quarantine, lineage; flows/ingest.py) into
   a private DuckDB staging file, whose raw.* and audit.* tables are exported to Parquet
   and registered as Spark tables (hsguard.spark_raw); the input and reference suites
   run on those Spark dataframes through GX's Spark datasource;
2. transform: ``dbt build --target spark`` into the run's own databases
   (hsguard.spark_publish: ``run_<id>_marts``, ...);
3. validate: the mart suites on the run's Spark marts;
4. report: the flag history merged (hsguard.history on the run's flags), the report
   feeds built by dbt on Spark, and the report rendered from their rows;
5. publish: the views of ``marts`` and ``reports`` repointed at the run's tables (dbt's
   run-operation publish_views), the run recorded in audit.run_history, and only then
   the report moved into place.

A failure before 5 leaves the published views and ``reports/latest`` as they were (the
flag history is put back as it was). Spark's settings come from the ``spark`` output
of profiles.yml and the environment (hsguard.spark), never from code.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import replace
from pathlib import Path

import polars as pl
from prefect import flow

from expectations.suites import input_suites, mart_suites, reference_suites
from flows.nightly import ingest_detail, ingest_or_refuse
from flows.publish import RUN_HISTORY_SCHEMA, run_history_row
from hsguard import progress, spark
from hsguard.dbt import REPORT_FEEDS
from hsguard.loading import DEFAULT_MAX_QUARANTINE_SHARE
from hsguard.paths import DEFAULT_REPORTS, SAMPLE_DIR
from hsguard.reporting import finalise, partial_dir, remove_partials, write_report
from hsguard.runinfo import new_run_id, utc_now
from hsguard.spark_build import dbt_build_on_spark
from hsguard.spark_publish import (
    drop_runs,
    publish_run,
    published_prefix,
    quoted,
    report_snapshot,
    run_query,
    schema_prefix,
    write_audit_table,
)
from hsguard.spark_validation import results_and_findings, run_spark_suites
from hsguard.validation import ValidationFailed
from hsguard.warehouse import WarehousePaths, remove_leftovers, run_lock

SCHEMA_PREFIX_ENV = "HSGUARD_SCHEMA_PREFIX"
#: The DuckDB staging file of a run's ingest (in the run's private build directory).
STAGING_NAME = "ingest.duckdb"


def table_frame(session, name: str) -> pl.DataFrame | None:
    """A Spark table as a Polars frame; None when it does not exist."""
    schema, table = name.split(".")
    if not session.catalog.tableExists(table, schema):
        return None
    return pl.from_arrow(session.table(quoted(schema, table)).toArrow())


@flow(name="nightly-spark", log_prints=True)
def nightly_spark(
    sources: str = str(SAMPLE_DIR),
    warehouse: str = "warehouse/spark",
    reports: str = str(DEFAULT_REPORTS),
    master: str | None = None,
    decimal_comma: bool = False,
    date_format: str | None = None,
    max_quarantine: float = DEFAULT_MAX_QUARANTINE_SHARE,
    accept_quarantine: bool = False,
    mapping: str | None = None,
) -> dict:
    """Run the reconciliation on Spark (module docstring); ``warehouse`` is the Spark
    warehouse directory (its tables and metastore). Returns the run summary, or
    ``{"refused": reason, ...}`` when the input was refused (nothing published)."""
    from hsguard import spark_raw

    spark.require_spark()
    run_id = new_run_id()
    started = utc_now()
    root = Path(warehouse).resolve()
    paths = WarehousePaths(root / STAGING_NAME)
    reports_dir = Path(reports).resolve()
    prefix = schema_prefix(run_id)
    stage_seconds: dict[str, float] = {}

    def stage(number: int, name: str) -> float:
        print(f"[{number}/5] {name} ...")
        progress.emit("stage_start", number=number, name=name)
        return time.perf_counter()

    def done(number: int, name: str, key: str, t: float, detail: str) -> None:
        stage_seconds[key] = time.perf_counter() - t
        progress.emit("stage_done", number=number, name=name, detail=detail, seconds=stage_seconds[key])

    with run_lock(paths):
        remove_leftovers(paths)
        remove_partials(reports_dir)
        build_dir = paths.build_dir(run_id)
        build_dir.mkdir(parents=True)
        staging = paths.build_file(run_id)
        spark.configure(root, master)
        session = spark.session()
        published = published_prefix(session)
        dropped = drop_runs(session, keep={published} if published else set())
        if dropped:
            print(f"removed {len(dropped)} database(s) of unpublished or superseded runs")
        old_history = table_frame(session, "audit.flag_history")
        history_written = False
        try:
            t = stage(1, "ingest and validate inputs")
            loaded = ingest_or_refuse(
                sources,
                staging,
                paths.published,  # never written: the run history lives in Spark, not carried here
                run_id,
                False,
                build_dir,
                decimal_comma=decimal_comma,
                date_format=date_format,
                max_quarantine=max_quarantine,
                accept_quarantine=accept_quarantine,
                mapping=mapping,
            )
            if "refused" in loaded:
                return {"run_id": run_id, "refused": loaded["refused"]}
            spark_raw.register_raw_tables(staging, session, root)
            outcomes = run_spark_suites(session, input_suites() + reference_suites(), run_id, build_dir)
            results, findings = results_and_findings(outcomes, run_id)
            write_audit_table(session, "validation_findings", findings)
            write_audit_table(session, "validation_results", results)
            if table_frame(session, "audit.run_history") is None:
                write_audit_table(session, "run_history", pl.DataFrame(schema=RUN_HISTORY_SCHEMA))
            ValidationFailed.raise_for(outcomes)
            rows = findings.select("raw_table", "row_number").unique().height
            loaded |= {"input_findings": findings.height, "input_rows_with_findings": rows}
            done(1, "ingest and validate inputs", "ingest", t, ingest_detail(loaded))

            t = stage(2, "transform (dbt build on Spark)")
            spark.set_env(SCHEMA_PREFIX_ENV, prefix)
            built = dbt_build_on_spark(build_dir / "dbt", run_id, exclude=list(REPORT_FEEDS))
            done(2, "transform (dbt build on Spark)", "transform", t, f"{built.passed} dbt nodes passed")

            t = stage(3, "validate (Great Expectations on Spark)")
            catalog = session.table(quoted(prefix + "seeds", "check_catalog"))
            severities = sorted(r[0] for r in catalog.select("severity").distinct().collect())
            specs = [replace(s, query=run_query(s.query, prefix)) for s in mart_suites(severities)]
            mart_outcomes = run_spark_suites(session, specs, run_id, build_dir)
            mart_results, _ = results_and_findings(mart_outcomes, run_id)
            write_audit_table(session, "validation_results", mart_results, append=True)
            ValidationFailed.raise_for(mart_outcomes)
            failed = mart_results.filter(~pl.col("success")).height
            done(
                3,
                "validate (Great Expectations on Spark)",
                "validate",
                t,
                f"{mart_results.height} expectations on the marts, {failed} failed",
            )

            t = stage(4, "report")
            history_written = merge_flag_history(session, prefix, run_id, started, old_history)
            feeds = dbt_build_on_spark(build_dir / "dbt", run_id, select=list(REPORT_FEEDS))
            summary = {
                "run_id": run_id,
                "started_at": started.isoformat(),
                "sources": str(Path(sources).resolve()),
                "warehouse": str(root),
                "engine": "spark",
                **loaded,
                "validation": {"expectations": results.height + mart_results.height, "failed": failed},
                "transform": {"nodes": built.nodes + feeds.nodes, "passed": built.passed + feeds.passed},
                "stage_seconds": stage_seconds,
            }
            summary = render(session, prefix, reports_dir, summary)
            done(4, "report", "report", t, f"{summary['flags_total']} flags, review queue and report.html")

            t = stage(5, "publish")
            switched = publish_run(session, build_dir / "dbt", prefix, run_id)
            # recorded once published (a history row never names a run readers cannot see)
            row = run_history_row(summary | {"started_at": started}, utc_now())
            write_audit_table(session, "run_history", row, append=True)
            drop_runs(session, keep={prefix} | ({published} if published else set()))
            summary["report_dir"] = str(finalise(reports_dir, run_id))
            detail = f"{len(switched)} views of marts and reports switched to the run"
            done(5, "publish", "publish", t, detail)
        except BaseException:
            if history_written:
                restore_flag_history(session, old_history)
            shutil.rmtree(build_dir, ignore_errors=True)
            shutil.rmtree(partial_dir(reports_dir, run_id), ignore_errors=True)
            raise
        finally:
            spark.set_env(SCHEMA_PREFIX_ENV, None)
        shutil.rmtree(build_dir, ignore_errors=True)
    summary["stage_seconds"] = stage_seconds
    summary["seconds"] = (utc_now() - started).total_seconds()
    return summary


def merge_flag_history(session, prefix: str, run_id: str, started, old: pl.DataFrame | None) -> bool:
    """Merge the run's flags into audit.flag_history (hsguard.history, on an in-memory
    DuckDB holding the Spark rows) and write it back to Spark; returns True."""
    import duckdb

    from hsguard.history import update_flag_history

    con = duckdb.connect()
    try:
        con.execute("create schema audit")
        flags = session.table(quoted(prefix + "marts", "fct_classification_flags")).toArrow()
        con.register("_flags", flags)
        con.execute("create table main.run_flags as select * from _flags")
        if old is not None:
            con.register("_history", old.to_arrow())
            con.execute("create table audit.flag_history as select * from _history")
        changes = update_flag_history(con, run_id, started, flags_table="main.run_flags")
        merged = con.execute("select * from audit.flag_history").pl()
    finally:
        con.close()
    write_audit_table(session, "flag_history", merged)
    print(f"  flag history: {changes.new} new, {changes.resolved} resolved, {changes.total} flags ever seen")
    return True


def restore_flag_history(session, old: pl.DataFrame | None) -> None:
    """Put audit.flag_history back as it was before a run that did not publish."""
    if old is None:
        session.sql("drop table if exists audit.flag_history")
    else:
        write_audit_table(session, "flag_history", old)


def render(session, prefix: str, reports_dir: Path, summary: dict) -> dict:
    """The run's report files (reports/.partial-<run_id>/), rendered from the report
    feeds dbt built on Spark; returns the summary with the figures the report shows."""
    from flows.report import publish_artifacts
    from hsguard.report_feeds import FeedReader
    from hsguard.report_page import render_report

    con = report_snapshot(session, prefix)
    try:
        feeds = FeedReader(con)
        kpis = feeds.kpis()
        full = summary | {
            "products": int(kpis["products"]["value"]),
            "flags_total": int(kpis["flags_total"]["value"]),
            "flags_by_severity": feeds.flags_by_severity(),
            "flags_by_check": feeds.flags_by_check(),
        }
        target = partial_dir(reports_dir, summary["run_id"])
        target.mkdir(parents=True, exist_ok=True)
        write_report(con, target, full)
        render_report(con, target, full)
    finally:
        con.close()
    publish_artifacts(full)
    return full
