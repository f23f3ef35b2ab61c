"""`hsguard serve` schedules the nightly deployment on a real local Prefect server."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, SAMPLE_DIR, hsguard_cmd

pytestmark = pytest.mark.integration


def test_serve_refuses_to_start_without_explicit_sources(cli_env, tmp_path):
    result = subprocess.run(
        hsguard_cmd("serve", "--warehouse", str(tmp_path / "wh" / "hsguard.duckdb")),
        env=cli_env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "serve needs --sources DIR" in result.stderr
    assert not (tmp_path / "wh").exists()


def test_serve_runs_the_nightly_deployment_on_its_cron_schedule(cli_env, published_copy, tmp_path):
    # the suite's Prefect home: its database is migrated already, so the server starts sooner
    env = dict(cli_env)
    env.pop("PREFECT_API_URL")  # as a user starts it: serve starts its own local server
    env["PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS"] = "5"  # schedule promptly in the test
    env["PREFECT_RUNNER_POLL_FREQUENCY"] = "2"  # and pick the scheduled run up promptly
    # last night's published build (a copy of the session's): the served run is a rerun,
    # as every night but the first is
    warehouse, reports = published_copy["warehouse"], published_copy["reports"]
    latest_before = os.readlink(reports / "latest")
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(
        hsguard_cmd(
            "serve",
            "--cron",
            # every 10 seconds (croniter's sixth field): a real cron schedule whose first
            # tick comes within seconds, not up to a minute, of the server being ready
            "* * * * * */10",
            "--sources",
            str(SAMPLE_DIR),
            "--warehouse",
            str(warehouse),
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
        # published, and said so: the run's summary follows its publish stage
        while (
            os.readlink(reports / "latest") == latest_before
            or "published in" not in (tmp_path / "serve.log").read_text()
        ):
            assert proc.poll() is None, (tmp_path / "serve.log").read_text()[-3000:]
            assert time.time() < deadline, (tmp_path / "serve.log").read_text()[-3000:]
            time.sleep(0.5)
    finally:
        # SIGTERM, as a service manager stops it (only this process, not its group)
        sent = time.monotonic()
        os.kill(proc.pid, signal.SIGTERM)
        try:
            stopped = proc.wait(timeout=30) is not None
        except subprocess.TimeoutExpired:
            stopped = False
        stop_seconds = time.monotonic() - sent
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # whatever is left of its process group
        except ProcessLookupError:
            pass
        log.close()
    assert stopped, "hsguard serve did not stop within 30 s of SIGTERM"
    output = (tmp_path / "serve.log").read_text()
    assert stop_seconds < 10, f"hsguard serve took {stop_seconds:.1f} s to stop on SIGTERM"
    assert proc.returncode == 0 and "hsguard serve: stopped (SIGTERM)" in output, output[-3000:]
    assert "started a local Prefect server" in output
    assert "http://" not in output  # no links: the local server has no UI
    assert "[5/5] publish" in output
    # quiet like `run`: the stages and summary; the runner's and the flow run's Prefect lines
    # (and dbt's) are in their log files, the runner on the local server (no temporary one)
    assert "published in" in output  # the served run's summary
    for noise in ("Flow run '", "prefect.runner", "Runner '", "START sql", "Traceback"):
        assert noise not in output, noise
    serve_log = Path(re.search(r"log +(\S+hsguard-serve-\S+\.log)", output).group(1)).read_text()
    assert "prefect.runner" in serve_log and "temporary server" not in serve_log
    run_log = Path(re.search(r"nightly run started; log (\S+\.log)", output).group(1)).read_text()
    assert "Finished in state" in run_log
    # no half state: whatever the runner was doing when stopped, nothing of a build is left
    assert not list(warehouse.parent.glob(".hsguard-build-*"))
    assert warehouse.exists()
    assert (reports / "latest" / "summary.json").exists()


def test_a_restarted_serve_gives_waiting_runs_its_new_parameters(prefect_server):
    """Runs the scheduler created for an earlier serve (other --sources/--warehouse) take
    the deployment's current parameters; runs that already ran keep theirs."""
    import asyncio
    import uuid
    from datetime import UTC, datetime, timedelta

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import DeploymentUpdate
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from prefect.states import Completed, Scheduled

    from hsguard.serving import SERVED_NIGHTLY, retarget_scheduled_runs

    old = {"sources": "/srv/erp/old", "warehouse": "/srv/wh/old.duckdb", "reports": "/srv/reports/old"}
    new = {"sources": "/srv/erp/new", "warehouse": "/srv/wh/new.duckdb", "reports": "/srv/reports/new"}

    async def scenario():
        async with get_client() as client:
            flow_id = await client.create_flow(SERVED_NIGHTLY)
            name = f"retarget-{uuid.uuid4().hex[:8]}"
            deployment = await client.create_deployment(flow_id, name, parameters=old)
            tomorrow = Scheduled(scheduled_time=datetime.now(UTC) + timedelta(days=1))
            waiting = await client.create_flow_run_from_deployment(deployment, state=tomorrow)
            done = await client.create_flow_run_from_deployment(deployment, state=Completed())
            # what a restart with other options does to the deployment (Runner.add_flow)
            await client.update_deployment(deployment, DeploymentUpdate(parameters=new))
        changed = await retarget_scheduled_runs(deployment)
        async with get_client() as client:
            return (
                changed,
                (await client.read_flow_run(waiting.id)).parameters,
                (await client.read_flow_run(done.id)).parameters,
            )

    with temporary_settings({PREFECT_API_URL: prefect_server}):
        changed, waiting_parameters, done_parameters = asyncio.run(scenario())
    assert waiting_parameters == new
    assert done_parameters == old
    assert changed == 1
