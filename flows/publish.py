"""Publish: record the run, then atomically swap the finished build in as the warehouse."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import polars as pl
from prefect import flow

from hsguard.faults import pause_point
from hsguard.reporting import finalise
from hsguard.runinfo import utc_now
from hsguard.warehouse import WarehousePaths, connect, write_table
from hsguard.warehouse import publish as swap_in

#: The columns of ``audit.run_history``, one row per published run.
RUN_HISTORY_SCHEMA: dict[str, pl.DataType] = {
    "run_id": pl.Utf8(),
    "status": pl.Utf8(),
    "started_at": pl.Datetime("us", "UTC"),
    "finished_at": pl.Datetime("us", "UTC"),
    "sources": pl.Utf8(),
    "rows_in": pl.Int64(),
    "rows_loaded": pl.Int64(),
    "rows_quarantined": pl.Int64(),
    "products": pl.Int64(),
    "flags_total": pl.Int64(),
    "flags_by_severity": pl.Utf8(),
    "stage_seconds": pl.Utf8(),
    "reference_editions": pl.Utf8(),
}


def run_history_row(summary: dict, finished_at: datetime) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "run_id": summary["run_id"],
                "status": "published",
                "started_at": summary["started_at"],
                "finished_at": finished_at,
                "sources": summary["sources"],
                "rows_in": summary["rows_in"],
                "rows_loaded": summary["rows_loaded"],
                "rows_quarantined": summary["rows_quarantined"],
                "products": summary["products"],
                "flags_total": summary["flags_total"],
                "flags_by_severity": json.dumps(summary["flags_by_severity"]),
                "stage_seconds": json.dumps(summary["stage_seconds"]),
                "reference_editions": json.dumps(
                    [f"{r['dataset']} {r['edition']}" for r in summary["reference"]]
                ),
            }
        ],
        schema=RUN_HISTORY_SCHEMA,
    )


def ensure_run_history(con) -> None:
    """An empty ``audit.run_history`` in a build that has none (the first run: nothing was
    carried from a published warehouse), so that the report feeds can read it."""
    write_table(con, "audit", "run_history", pl.DataFrame(schema=RUN_HISTORY_SCHEMA), replace=False)


@flow(name="publish", log_prints=True)
def publish(warehouse: str, reports: str, run_id: str, summary: dict) -> str:
    paths = WarehousePaths(Path(warehouse))
    build_file = paths.build_file(run_id)
    con = connect(build_file)
    try:
        row = run_history_row(
            summary | {"started_at": datetime.fromisoformat(summary["started_at"])}, utc_now()
        )
        write_table(con, "audit", "run_history", row, replace=False)
        con.execute("checkpoint")
    finally:
        con.close()
    pause_point("publish", paths.build_dir(run_id))  # run recorded, not yet swapped in
    swap_in(paths, run_id)
    final = finalise(Path(reports), run_id)
    print(f"  published {paths.published}; report {final}")
    return str(final)
