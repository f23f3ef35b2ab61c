"""Run dbt through its programmatic runner (never by building shell commands)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from hsguard.paths import PROJECT_ROOT


class DbtBuildError(RuntimeError):
    """dbt build failed: a model, seed, data test or unit test did not pass."""


@dataclass
class DbtOutcome:
    nodes: int
    passed: int
    warned: int
    failures: list[str]


def invoke_dbt(command: list[str], database: Path, work_dir: Path, dbt_vars: dict | None = None):
    """Invoke ``dbt <command>`` against ``database``; returns dbt's result object."""
    from dbt.cli.main import dbtRunner

    os.environ["HSGUARD_DBT_PATH"] = str(database)
    args = [
        "--no-use-colors",
        *command,
        "--project-dir",
        str(PROJECT_ROOT),
        "--profiles-dir",
        str(PROJECT_ROOT),
        "--target-path",
        str(work_dir / "dbt_target"),
        "--log-path",
        str(work_dir / "dbt_logs"),
    ]
    if dbt_vars:
        args += ["--vars", json.dumps(dbt_vars)]
    try:
        return dbtRunner().invoke(args)
    finally:
        release_duckdb()


def release_duckdb() -> None:
    """Close the DuckDB instance dbt-duckdb keeps per process, so the file can be published."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # another adapter
        return
    with DuckDBConnectionManager._LOCK:
        env = DuckDBConnectionManager._ENV
        if env is not None:
            env.close()
            DuckDBConnectionManager._ENV = None


def dbt_build(database: Path, work_dir: Path, dbt_vars: dict) -> DbtOutcome:
    """``dbt build`` (seeds, models, data tests and unit tests); raise DbtBuildError on failure."""
    result = invoke_dbt(["build"], database, work_dir, dbt_vars)
    if result.exception is not None:
        raise DbtBuildError(f"dbt could not run: {result.exception}")
    node_results = list(getattr(result.result, "results", []) or [])
    failures = [
        f"{r.node.unique_id}: {' '.join(str(r.message or r.status).split())[:400]}"
        for r in node_results
        if str(r.status) in ("error", "fail", "runtime error")
    ]
    passed = sum(1 for r in node_results if str(r.status) in ("success", "pass"))
    warned = sum(1 for r in node_results if str(r.status) == "warn")
    if failures or not result.success:
        shown = "; ".join(failures[:5]) or "see dbt log"
        raise DbtBuildError(f"dbt build failed ({len(failures)} node(s)): {shown}")
    return DbtOutcome(len(node_results), passed, warned, failures)
