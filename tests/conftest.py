"""Shared fixtures: an isolated Prefect home and a helper to run the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = PROJECT_ROOT / "data" / "sample"


@pytest.fixture(scope="session")
def cli_env(tmp_path_factory) -> dict[str, str]:
    """Environment for CLI subprocesses: a private Prefect home (temporary server, no network)."""
    home = tmp_path_factory.mktemp("prefect_home")
    env = dict(os.environ)
    env.pop("PREFECT_API_URL", None)
    env.pop("HSGUARD_PAUSE_AT", None)
    env["PREFECT_HOME"] = str(home)
    env["PYTHONUNBUFFERED"] = "1"
    return env


def hsguard_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "hsguard.cli", *args]


def run_args(warehouse, reports, sources=SAMPLE_DIR) -> list[str]:
    """``hsguard run`` arguments for a warehouse and reports folder (sources: the bundled sample)."""
    return ["run", "--sources", str(sources), "--warehouse", str(warehouse), "--reports", str(reports)]


def run_cli(env: dict[str, str], *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        hsguard_cmd(*args), env=env, capture_output=True, text=True, timeout=timeout, cwd=PROJECT_ROOT
    )


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory, cli_env) -> dict:
    """One real `hsguard run` on the bundled sample, shared by the integration modules
    that only read its warehouse and report (tests that change anything copy them)."""
    import json

    root = tmp_path_factory.mktemp("sample_run")
    warehouse, reports = root / "wh" / "hsguard.duckdb", root / "reports"
    result = run_cli(cli_env, *run_args(warehouse, reports))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    summary = json.loads((reports / "latest" / "summary.json").read_text(encoding="utf-8"))
    return {
        "warehouse": warehouse,
        "reports": reports,
        "root": root,
        "summary": summary,
        "output": result.stdout + result.stderr,
    }
