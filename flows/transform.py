"""Transform: ``dbt build`` (seeds, models, data tests, unit tests) on the build warehouse."""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from hsguard.dbt import dbt_build


@flow(name="transform", log_prints=True)
def transform(build_file: str, work_dir: str, run_id: str) -> dict:
    outcome = dbt_build(Path(build_file), Path(work_dir), {"run_id": run_id})
    print(f"  dbt build: {outcome.nodes} nodes, {outcome.passed} passed, {outcome.warned} warnings")
    return {"nodes": outcome.nodes, "passed": outcome.passed, "warned": outcome.warned}
