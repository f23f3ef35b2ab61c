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
        schema_overrides={"started_at": pl.Datetime("us", "UTC"), "finished_at": pl.Datetime("us", "UTC")},
    )


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
