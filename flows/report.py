"""Report: write ``reports/.partial-<run_id>/`` (summary and flags.csv) from the build warehouse."""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from hsguard.reporting import partial_dir, write_report
from hsguard.warehouse import connect


def collect_summary(build_file: Path, base: dict) -> dict:
    """Counts for the run summary, read from the build warehouse (never recomputed elsewhere)."""
    con = connect(build_file, read_only=True)
    try:
        products = con.execute("select count(*) from marts.dim_products").fetchone()[0]
        by_severity = dict(
            con.execute(
                "select severity, count(*) from marts.fct_classification_flags "
                "group by severity, severity_rank order by severity_rank desc"
            ).fetchall()
        )
        by_check = [
            {"check_code": c, "severity": s, "flags": n}
            for c, s, n in con.execute(
                "select check_code, severity, count(*) from marts.fct_classification_flags "
                "group by check_code, severity, severity_rank order by severity_rank desc, check_code"
            ).fetchall()
        ]
    finally:
        con.close()
    return base | {
        "products": products,
        "flags_total": sum(by_severity.values()),
        "flags_by_severity": by_severity,
        "flags_by_check": by_check,
    }


@flow(name="report", log_prints=True)
def report(build_file: str, reports: str, run_id: str, summary: dict) -> dict:
    full = collect_summary(Path(build_file), summary)
    target = partial_dir(Path(reports), run_id)
    con = connect(Path(build_file), read_only=True)
    try:
        write_report(con, target, full)
    finally:
        con.close()
    print(f"  report written ({full['flags_total']} flags)")
    return full
