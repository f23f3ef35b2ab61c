"""Report: merge the flag history, build the report feeds (models/reports) and write
``reports/.partial-<run_id>/`` (summary, flags.csv, report.html, review queue) from them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows.publish import ensure_run_history
from flows.transform import record_node_results
from hsguard.dbt import build_report_feeds
from hsguard.faults import transient_failure_if_asked
from hsguard.history import update_flag_history
from hsguard.report_feeds import FeedReader
from hsguard.report_page import data_docs_complete, render_report
from hsguard.reporting import data_docs_link, data_docs_partial, partial_dir, summary_markdown, write_report
from hsguard.runinfo import utc_now
from hsguard.settings import TASK_RETRIES, TASK_RETRY_DELAY_SECONDS, is_transient_failure
from hsguard.validation import build_data_docs
from hsguard.warehouse import connect


def collect_summary(build_file: Path, base: dict) -> dict:
    """Counts for the run summary, read from the report feeds of the build warehouse
    (rpt_kpis, rpt_flags_by_check: the figures the report shows)."""
    con = connect(build_file, read_only=True)
    try:
        feeds = FeedReader(con)
        products = int(feeds.kpis()["products"]["value"])
        flags_total = int(feeds.kpis()["flags_total"]["value"])
        by_severity = feeds.flags_by_severity()
        by_check = feeds.flags_by_check()
    finally:
        con.close()
    return base | {
        "products": products,
        "flags_total": flags_total,
        "flags_by_severity": by_severity,
        "flags_by_check": by_check,
    }


def build_feeds(build_file: Path, run_id: str) -> None:
    """dbt build of the report feeds on the build warehouse (after the flag history); their
    nodes join the transform's in ``audit.dbt_node_results``."""
    con = connect(build_file)
    try:
        ensure_run_history(con)
        con.execute("checkpoint")
    finally:
        con.close()
    node_results = build_report_feeds(build_file, build_file.parent, run_id)
    record_node_results(build_file, run_id, node_results)
    print(f"  report feeds: {len(node_results)} nodes built and tested (models/reports)")


def record_flag_history(build_file: Path, run_id: str, started_at: str | None) -> None:
    """Merge this run's flags into ``audit.flag_history`` of the build (before the report reads it)."""
    seen_at = datetime.fromisoformat(started_at) if started_at else utc_now()
    con = connect(build_file)
    try:
        changes = update_flag_history(con, run_id, seen_at)
        con.execute("checkpoint")
    finally:
        con.close()
    print(
        f"  flag history: {changes.new} new, {changes.resolved} resolved, {changes.reopened} reopened, "
        f"{changes.overridden} overridden ({changes.total} flags ever seen)"
    )


@task(
    cache_policy=NO_CACHE,
    retries=TASK_RETRIES,
    retry_delay_seconds=TASK_RETRY_DELAY_SECONDS,
    retry_condition_fn=is_transient_failure,
)
def write_report_files(build_file: Path, target: Path, full: dict) -> Path:
    """Summary, flags/review-queue CSV and XLSX and report.html into the run's partial
    folder, and Data Docs (when complete) into their own partial folder beside it. The
    build is only read and every file is rewritten whole, so a transient failure (disk
    full for a moment, a file held by a virus scanner) is retried."""
    target.mkdir(parents=True, exist_ok=True)
    con = connect(build_file, read_only=True)
    try:
        # GX Data Docs only when they are complete (no suite's results reused from the
        # published run), and outside the report folder (they need the internet, the
        # report does not); the report's own expectations table holds every result.
        complete = data_docs_complete(FeedReader(con).kpis())
        docs = data_docs_partial(target.parent, full["run_id"])
        docs_index = build_data_docs(build_file.parent, docs) if complete else None
        write_report(con, target, full)
        transient_failure_if_asked("transient_report", build_file.parent)
        return render_report(
            con, target, full, data_docs_index=data_docs_link(full["run_id"]) if docs_index else None
        )
    finally:
        con.close()


@flow(name="report", log_prints=True)
def report(build_file: str, reports: str, run_id: str, summary: dict) -> dict:
    record_flag_history(Path(build_file), run_id, summary.get("started_at"))
    build_feeds(Path(build_file), run_id)
    full = collect_summary(Path(build_file), summary)
    target = partial_dir(Path(reports), run_id)
    html = write_report_files(Path(build_file), target, full)
    publish_artifacts(full)
    print(f"  report written: {html.name}, review_queue.csv/.xlsx, flags.csv ({full['flags_total']} flags)")
    return full


def publish_artifacts(summary: dict) -> None:
    """The run summary as Prefect artifacts (markdown + table), so the Prefect UI shows it."""
    create_markdown_artifact(
        key="hsguard-run-summary",
        markdown=summary_markdown(summary),
        description=f"hsguard nightly run {summary['run_id']}",
    )
    create_table_artifact(
        key="hsguard-flags-by-check",
        table=summary["flags_by_check"] or [{"check_code": "-", "severity": "-", "flags": 0}],
        description="Flags by check and severity",
    )
