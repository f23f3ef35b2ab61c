"""Ingest: the user's sources and the bundled reference data into the build's ``raw.*``."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from hsguard.faults import pause_point, transient_failure_if_asked
from hsguard.loading import SourceBundle, carry_history, load_reference, load_sources, read_sources
from hsguard.runinfo import utc_now
from hsguard.settings import TASK_RETRIES, TASK_RETRY_DELAY_SECONDS, is_transient_failure
from hsguard.warehouse import connect, write_table


@task(
    cache_policy=NO_CACHE,
    retries=TASK_RETRIES,
    retry_delay_seconds=TASK_RETRY_DELAY_SECONDS,
    retry_condition_fn=is_transient_failure,
)
def read_inputs(sources: Path, build_dir: Path) -> SourceBundle:
    """Read and contract-check every source file. Nothing is written yet, so a transient
    failure (an export being replaced, a network share hiccup) is retried; a refused
    file (ContractError) or a missing one is not."""
    transient_failure_if_asked("transient_read", build_dir)
    return read_sources(sources)


@flow(name="ingest", log_prints=True)
def ingest(sources: str, build_file: str, published: str, run_id: str) -> dict:
    """Load raw tables, quarantine bad rows, record lineage; returns the load summary."""
    bundle = read_inputs(Path(sources), Path(build_file).parent)
    loaded_at = utc_now()
    reference_override = Path(sources) / "reference"
    con = connect(Path(build_file))
    try:
        carried = carry_history(con, Path(published))
        lineage = load_sources(con, bundle, run_id, loaded_at)
        con.execute("checkpoint")
        pause_point("ingest", Path(build_file).parent)  # half-loaded build on disk
        lineage += load_reference(
            con, reference_override if reference_override.is_dir() else None, run_id, loaded_at
        )
        write_table(con, "audit", "load_lineage", pl.DataFrame(lineage))
        con.execute("checkpoint")
    finally:
        con.close()
    for name, loaded in bundle.files.items():
        print(
            f"  {name}: {loaded.rows_in} rows in, {loaded.good.height} loaded, "
            f"{loaded.quarantine.height} quarantined"
        )
    return {
        "rows_in": bundle.rows_in,
        "rows_loaded": bundle.rows_loaded,
        "rows_quarantined": bundle.rows_quarantined,
        "runs_in_history": carried,
        "reference": [
            {
                "dataset": r["dataset"],
                "edition": r["edition"],
                "file": r["source_file"],
                "sha256": r["sha256"],
                "rows_loaded": r["rows_loaded"],
            }
            for r in lineage
            if r["dataset"]
        ],
    }
