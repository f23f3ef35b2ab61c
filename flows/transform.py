"""Transform: ``dbt build`` (seeds, models, data tests, unit tests) on the build warehouse."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from prefect import flow

from hsguard.dbt import dbt_build
from hsguard.warehouse import connect, write_table

NODE_RESULTS_SCHEMA = {
    "run_id": pl.Utf8,
    "unique_id": pl.Utf8,
    "resource_type": pl.Utf8,
    "status": pl.Utf8,
    "execution_seconds": pl.Float64,
    "rows_affected": pl.Int64,
}


@flow(name="transform", log_prints=True)
def transform(
    build_file: str,
    work_dir: str,
    run_id: str,
    state_dir: str | None = None,
    published: str | None = None,
    copied: bool = False,
) -> dict:
    """``dbt build`` on the build file; ``state_dir`` keeps dbt's parse between runs, and
    tables whose inputs did not change are taken from the ``published`` warehouse (kept
    as they are when the build is a copy of it: ``copied``)."""
    outcome = dbt_build(
        Path(build_file),
        Path(work_dir),
        run_id,
        Path(state_dir) if state_dir else None,
        Path(published) if published else None,
        copied,
    )
    print(
        f"  dbt build: {outcome.nodes} nodes, {outcome.passed} passed, "
        f"{len(outcome.tests_reused)} reused (data tests not run again), {outcome.warned} warnings"
    )
    if outcome.visited is not None:
        print(
            f"  dbt visited {outcome.visited} of {outcome.nodes} nodes: the others read nothing that "
            "changed since the published build and keep its tables and test results"
        )
    if outcome.unit_tests_skipped:
        print("  unit tests skipped: the published warehouse was built from the same code")
    if outcome.reused or outcome.tests_reused:
        print(
            f"  reused {len(outcome.reused)} of {len(outcome.reused) + len(outcome.rebuilt)} tables "
            "of the published warehouse (inputs unchanged); "
            f"{len(outcome.tests_reused)} of {len(outcome.tests_reused) + len(outcome.tests_run)} "
            "data tests passed there on the same inputs and were not run again"
        )
    if outcome.dropped:
        dropped = ", ".join(outcome.dropped)
        print(f"  dropped {len(outcome.dropped)} relation(s) no model builds any more: {dropped}")
    record_node_results(Path(build_file), run_id, outcome.node_results)
    slowest = sorted(outcome.node_results, key=lambda r: -r["execution_seconds"])[:5]
    print(
        "  slowest: "
        + ", ".join(f"{node_name(r['unique_id'])} {r['execution_seconds']:.1f} s" for r in slowest)
    )
    return {
        "nodes": outcome.nodes,
        "passed": outcome.passed,
        "warned": outcome.warned,
        "tables_reused": len(outcome.reused),
        "tables_built": len(outcome.rebuilt),
        "data_tests_reused": len(outcome.tests_reused),
        "data_tests_run": len(outcome.tests_run),
        "unit_tests_skipped": outcome.unit_tests_skipped,
    }


def node_name(unique_id: str) -> str:
    """A node's name as a person reads it: ``model.hsguard.dim_products`` is
    ``dim_products``, a data test ``test.hsguard.not_null_x_sku.54e128cd7c`` is
    ``not_null_x_sku`` (dbt's hash left out), a unit test is ``model.test``."""
    parts = unique_id.split(".")[2:]
    if unique_id.startswith("test.") and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts) or unique_id


def record_node_results(build_file: Path, run_id: str, node_results: list[dict]) -> None:
    """Append this build's per-node status and time to ``audit.dbt_node_results`` (carried
    from run to run like the run history, so a model that gets slower shows up)."""
    frame = pl.DataFrame([{"run_id": run_id, **r} for r in node_results], schema=NODE_RESULTS_SCHEMA)
    con = connect(build_file)
    try:
        write_table(con, "audit", "dbt_node_results", frame, replace=False)
        con.execute("checkpoint")
    finally:
        con.close()
