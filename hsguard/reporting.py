"""Run reports: ``reports/<run_id>/`` (summary, flags.csv) and the ``latest`` pointer.

A report is written to a hidden partial directory first and becomes
``reports/<run_id>`` only once the warehouse is published; ``reports/latest`` then
points at it (an atomic symlink swap). A killed run never leaves a report marked latest.

GX Data Docs are not in the report folder, which works offline: they are Great
Expectations' own pages and load their scripts and styles from the internet (their index
is a script-built table, empty offline). A run that writes them (only when complete: no
suite's results reused) writes them to their own partial directory, published as
``reports/data_docs/<run_id>/`` just before the report, which links them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import duckdb

from hsguard.report_exports import write_flag_exports

PARTIAL_PREFIX = ".partial-"
DATA_DOCS = "data_docs"


RUN_ID = re.compile(r"[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}")


def partial_dir(reports: Path, run_id: str) -> Path:
    """``reports/.partial-<run_id>``; the run id names a folder, so only hsguard's own
    form (``20261123T020000Z-3fa9c1``) is accepted: never a path."""
    if not RUN_ID.fullmatch(run_id):
        raise ValueError(f"not a run id: {run_id!r}")
    return reports / f"{PARTIAL_PREFIX}{run_id}"


def data_docs_partial(reports: Path, run_id: str) -> Path:
    """``reports/.partial-data-docs-<run_id>``: a run's GX Data Docs until it is published."""
    if not RUN_ID.fullmatch(run_id):
        raise ValueError(f"not a run id: {run_id!r}")
    return reports / f"{PARTIAL_PREFIX}{DATA_DOCS}-{run_id}"


def data_docs_link(run_id: str) -> str:
    """The report's link to its run's published Data Docs (relative to ``reports/<run_id>/``)."""
    return f"../{DATA_DOCS}/{run_id}/index.html"


def remove_partials(reports: Path) -> None:
    if reports.is_dir():
        for entry in reports.glob(f"{PARTIAL_PREFIX}*"):
            shutil.rmtree(entry, ignore_errors=True)


def summary_markdown(summary: dict) -> str:
    lines = [
        f"# hsguard nightly run {summary['run_id']}",
        "",
        f"- Started: {summary['started_at']}",
        f"- Sources: {summary['sources']}",
        f"- Rows in: {summary['rows_in']} — loaded: {summary['rows_loaded']}, "
        f"quarantined: {summary['rows_quarantined']}",
        f"- Products: {summary['products']}",
        f"- Flags: {summary['flags_total']}",
        "",
        "| severity | flags |",
        "|---|---|",
    ]
    lines += [f"| {sev} | {n} |" for sev, n in summary["flags_by_severity"].items()]
    lines += ["", "| check | severity | flags |", "|---|---|---|"]
    lines += [f"| {c['check_code']} | {c['severity']} | {c['flags']} |" for c in summary["flags_by_check"]]
    lines += ["", "| stage | seconds |", "|---|---|"]
    lines += [f"| {k} | {v:.1f} |" for k, v in summary["stage_seconds"].items()]
    lines += ["", "Reference data used:", ""]
    lines += [f"- {r['dataset']} — {r['edition']} ({r['rows_loaded']} rows)" for r in summary["reference"]]
    return "\n".join(lines) + "\n"


def write_report(con: duckdb.DuckDBPyConnection, target: Path, summary: dict) -> None:
    """flags.csv, quarantine.csv, summary.json and summary.md into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    write_flag_exports(con, target)
    (target / "summary.json").write_text(json.dumps(summary, indent=2, default=str), encoding="utf-8")
    (target / "summary.md").write_text(summary_markdown(summary), encoding="utf-8")


def finalise(reports: Path, run_id: str) -> Path:
    """Move the partial report (and before it the run's Data Docs, when it wrote them) into
    place and point ``latest`` at it atomically."""
    final = reports / run_id
    docs = data_docs_partial(reports, run_id)
    if docs.is_dir():
        (reports / DATA_DOCS).mkdir(exist_ok=True)
        os.replace(docs, reports / DATA_DOCS / run_id)
    os.replace(partial_dir(reports, run_id), final)
    link = reports / "latest"
    tmp = reports / f".latest-{run_id}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(run_id, tmp)
    if link.exists() and not link.is_symlink():
        shutil.rmtree(link)
    os.replace(tmp, link)
    return final
