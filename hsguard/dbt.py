"""Run dbt through its programmatic runner (never by building shell commands)."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from hsguard.paths import PROJECT_ROOT

RUN_ID_ENV = "HSGUARD_RUN_ID"
PARTIAL_PARSE_FILE = "partial_parse.msgpack"


class DbtBuildError(RuntimeError):
    """dbt build failed: a model, seed, data test or unit test did not pass."""


@dataclass
class DbtOutcome:
    nodes: int
    passed: int
    warned: int
    failures: list[str]
    # One dict per node: unique_id, resource_type, status, execution_seconds, rows_affected
    node_results: list[dict] = field(default_factory=list)


def invoke_dbt(
    command: list[str],
    database: Path,
    work_dir: Path,
    dbt_vars: dict | None = None,
    run_id: str | None = None,
    partial_parse_file: Path | None = None,
):
    """Invoke ``dbt <command>`` against ``database``; returns dbt's result object.

    ``run_id`` reaches the models as the environment variable HSGUARD_RUN_ID (not a
    dbt var: a var that changes every run would make dbt re-parse the whole project,
    an env var only the few files that read it). ``partial_parse_file``, when it
    exists, is the saved parse of an earlier run for dbt to start from."""
    from dbt.cli.main import dbtRunner

    os.environ["HSGUARD_DBT_PATH"] = str(database)
    os.environ[RUN_ID_ENV] = run_id or "manual"
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
    if partial_parse_file is not None and partial_parse_file.is_file():
        args += ["--partial-parse-file-path", str(partial_parse_file)]
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


def dbt_build(database: Path, work_dir: Path, run_id: str, state_dir: Path | None = None) -> DbtOutcome:
    """``dbt build`` (seeds, models, data tests and unit tests); raise DbtBuildError on failure.

    With ``state_dir`` (beside the warehouse), dbt starts from the parse the last
    successful build saved there, and this build's parse replaces it when it succeeds."""
    saved = state_dir / PARTIAL_PARSE_FILE if state_dir is not None else None
    result = invoke_dbt(["build"], database, work_dir, run_id=run_id, partial_parse_file=saved)
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
    if saved is not None:
        save_partial_parse(work_dir / "dbt_target" / PARTIAL_PARSE_FILE, saved)
    return DbtOutcome(len(node_results), passed, warned, failures, [node_result(r) for r in node_results])


def save_partial_parse(written: Path, saved: Path) -> None:
    """Keep dbt's parse of this build for the next run (copied, then renamed: atomic)."""
    if not written.is_file():
        return
    saved.parent.mkdir(parents=True, exist_ok=True)
    partial = saved.with_name(saved.name + ".partial")
    shutil.copyfile(written, partial)
    os.replace(partial, saved)


def node_result(result) -> dict:
    """What ``audit.dbt_node_results`` keeps of one node of dbt's run results."""
    adapter = getattr(result, "adapter_response", None) or {}
    rows = adapter.get("rows_affected") if isinstance(adapter, dict) else None
    return {
        "unique_id": result.node.unique_id,
        "resource_type": str(result.node.resource_type),
        "status": str(result.status),
        "execution_seconds": round(float(result.execution_time or 0.0), 3),
        "rows_affected": int(rows) if isinstance(rows, int) and rows >= 0 else None,
    }
