"""`hsguard serve` schedules the nightly deployment on a real local Prefect server."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from tests.conftest import PROJECT_ROOT, SAMPLE_DIR, hsguard_cmd

pytestmark = pytest.mark.integration


def test_serve_runs_the_nightly_deployment_on_its_cron_schedule(cli_env, tmp_path):
    env = dict(cli_env)
    env["PREFECT_HOME"] = str(tmp_path / "prefect_home")
    env["PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS"] = "5"  # schedule promptly in the test
    reports = tmp_path / "reports"
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(
        hsguard_cmd(
            "serve",
            "--cron",
            "* * * * *",
            "--sources",
            str(SAMPLE_DIR),
            "--warehouse",
            str(tmp_path / "wh" / "hsguard.duckdb"),
            "--reports",
            str(reports),
        ),
        env=env,
        cwd=PROJECT_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.time() + 300
        while not (reports / "latest" / "summary.json").exists():
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            assert time.time() < deadline, (tmp_path / "serve.log").read_text()[-3000:]
            time.sleep(2)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
    output = (tmp_path / "serve.log").read_text()
    assert "started a local Prefect server" in output
    assert "[5/5] publish" in output
    assert (tmp_path / "wh" / "hsguard.duckdb").exists()
