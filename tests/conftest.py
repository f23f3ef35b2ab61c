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


def run_cli(env: dict[str, str], *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        hsguard_cmd(*args), env=env, capture_output=True, text=True, timeout=timeout, cwd=PROJECT_ROOT
    )
