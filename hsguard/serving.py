"""``hsguard serve``: the nightly flow as a Prefect deployment on a cron schedule, with a
stop that works.

Prefect's own ``flow.serve()`` installs a SIGTERM handler that waits for its event
loop from inside that loop, and Ctrl-C during a run left the runner starting the next
scheduled one. Here SIGINT and SIGTERM only set a stop request; then no new run starts
(one the runner had just picked up finds the stop request in its process and ends before
it builds anything), a run in progress gets SIGTERM (Prefect's engine turns it into an exception: the
nightly flow removes its private build and exits) and is killed if it has not exited
within STOP_SECONDS, and the runner is stopped (its runs marked in Prefect). Either way the
published warehouse and report stay as they were: a build is private until its atomic
swap, and the next run removes a killed build's leftovers.

Quiet like ``hsguard run``: the runner's lines go to serve's log file, and each flow run
(a process of its own) shows its five stages and summary while Prefect's, dbt's and the
libraries' lines go to the run's log file; ``--verbose`` shows them on the terminal.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import shutil
import signal
import tempfile
import time
from functools import wraps
from pathlib import Path

import typer
from prefect import Flow

from flows.nightly import nightly

#: How long a stop waits for the runner (and a cancelled run) before killing what is left.
STOP_SECONDS = 6.0

#: "1" in a served flow run's environment: show its Prefect and dbt lines (serve --verbose).
VERBOSE_ENV = "HSGUARD_SERVE_VERBOSE"

#: A served flow run's environment names a file that exists once a stop was requested: a run
#: whose process the runner started while the stop was under way (it had picked the scheduled
#: run up just before) finds it there and ends at once, without building or publishing.
STOP_FILE_ENV = "HSGUARD_SERVE_STOP_FILE"

logger = logging.getLogger("hsguard.serve")


def quiet_flow_runs(verbose: bool) -> None:
    """Set the environment the runner's flow-run processes inherit: whether they show their
    log lines and, unless ``verbose``, Prefect's console handler off from their start
    (Prefect reads logging overrides from ``PREFECT_LOGGING_<path>`` variables), before
    ``served_nightly`` sends everything else to the run's log file."""
    os.environ[VERBOSE_ENV] = "1" if verbose else "0"
    if not verbose:
        os.environ["PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL"] = "CRITICAL"


@wraps(nightly.fn)
def served_nightly(*args, **kwargs) -> dict:
    """The nightly flow's body as a served run shows it: like ``hsguard run`` (the five
    stages, what was kept, the summary on the terminal; every log record in
    ``REPORTS/logs/``; the terminal gets them too with ``serve --verbose``)."""
    from hsguard.cli import open_run_log, print_summary
    from hsguard.console import RunConsole, quiet_console

    bound = inspect.signature(nightly.fn).bind(*args, **kwargs)
    bound.apply_defaults()
    if stop_requested():
        typer.echo("hsguard serve: stopping; this scheduled run was not started")
        return {"not_started": "hsguard serve was stopping"}
    verbose = os.environ.get(VERBOSE_ENV) == "1"
    quiet_console(verbose)
    log = open_run_log(Path(bound.arguments["reports"]))
    typer.echo(f"hsguard serve: nightly run started; log {log}")
    try:
        with RunConsole():
            summary = nightly.fn(*bound.args, **bound.kwargs)
    except Exception as exc:
        logger.error("run failed", exc_info=exc)
        first = str(exc).splitlines()[0] if str(exc) else ""
        typer.echo(f"run failed: {type(exc).__name__}: {first} (details: {log})", err=True)
        raise
    if "refused" in summary:
        typer.echo(f"input refused, nothing published: {summary['refused']}", err=True)
    else:
        print_summary(summary)
    return summary


# pickled by reference into the flow-run process: its own name, not the wrapped flow's
served_nightly.__module__, served_nightly.__qualname__ = __name__, "served_nightly"
served_nightly.__name__ = "served_nightly"
#: The nightly flow (its name, parameters, tasks) with served_nightly's console.
SERVED_NIGHTLY = Flow(served_nightly, name=nightly.name, log_prints=True, description=nightly.description)


def stop_requested() -> bool:
    """Whether the serve that started this flow run has been asked to stop (STOP_FILE_ENV)."""
    marker = os.environ.get(STOP_FILE_ENV)
    return bool(marker) and Path(marker).exists()


def stop_late_children(seconds: float) -> None:
    """End the flow-run processes multiprocessing still knows of (one the runner started
    after the last sweep of ``stop_children``): without this Python's exit would wait for
    them to finish."""
    import multiprocessing

    for process in multiprocessing.active_children():
        process.terminate()
        process.join(seconds)
        if process.is_alive():
            process.kill()
            process.join(seconds)


def child_pids(exclude: set[int]) -> list[int]:
    """The processes this one started (flow runs), except ``exclude`` (the local server)
    and multiprocessing's resource tracker."""
    me, children = os.getpid(), []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in exclude:
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) != me:
            continue
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        # multiprocessing's resource tracker ignores SIGTERM and ends with this process
        if b"multiprocessing.resource_tracker" not in command:
            children.append(int(entry.name))
    return children


def stop_children(exclude: set[int], seconds: float) -> None:
    """SIGTERM every flow-run process still running, then SIGKILL what is left after ``seconds``."""
    pids = child_pids(exclude)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + seconds
    while pids and time.monotonic() < deadline:
        pids = [pid for pid in pids if _alive(pid)]
        time.sleep(0.2)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def _alive(pid: int) -> bool:
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return False
    return done == 0


async def retarget_scheduled_runs(deployment_id) -> int:
    """Give the deployment's runs that are still waiting for their time the deployment's
    current parameters; returns how many were changed.

    Prefect's scheduler creates a deployment's next runs ahead of time, each with a copy of
    the parameters it had then. A ``serve`` restarted with other ``--sources``,
    ``--warehouse`` or ``--reports`` updates the deployment, but without this the runs
    already scheduled would still audit the old sources into the old warehouse."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType

    changed = 0
    async with get_client() as client:
        parameters = (await client.read_deployment(deployment_id)).parameters
        waiting = await client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED]))
            ),
        )
        for run in waiting:
            if run.parameters != parameters:
                await client.update_flow_run(run.id, parameters=parameters)
                changed += 1
    return changed


def serve_nightly(cron: str, timezone: str, parameters: dict, exclude_pids: set[int]) -> str:
    """Serve the nightly flow as deployment ``nightly/hsguard-nightly`` on ``cron`` until
    SIGINT or SIGTERM; returns the name of the signal that stopped it."""
    from prefect.runner import Runner
    from prefect.schedules import Cron

    runner = Runner(name="hsguard-nightly", pause_on_shutdown=True, limit=1)
    deployment_id = runner.add_flow(
        SERVED_NIGHTLY,
        name="hsguard-nightly",
        schedules=[Cron(cron, timezone=timezone)],
        parameters=parameters,
        # One run at a time: the runner's limit here, the warehouse's run lock across
        # processes. No deployment concurrency limit: a run killed hard would keep its
        # slot on the server and block every later run until the slot's lease expired.
        description="hsguard nightly reconciliation",
    )
    received: list[str] = []
    loop_box: list[asyncio.AbstractEventLoop] = []
    stop = asyncio.Event()
    marker_dir = Path(tempfile.mkdtemp(prefix="hsguard-serve-"))
    stop_marker = marker_dir / "stop-requested"
    os.environ[STOP_FILE_ENV] = str(stop_marker)  # what the flow-run processes inherit

    def request_stop(signum, _frame=None) -> None:
        name = signal.Signals(signum).name
        if received:  # a second signal: stop now
            stop_children(exclude_pids, 0)
            os._exit(130)
        # first, so that a flow run the runner starts from now on finds it and ends at once
        stop_marker.touch()
        received.append(name)
        if loop_box:
            loop_box[0].call_soon_threadsafe(stop.set)

    # Prefect's runner installs its SIGTERM handler when it starts: ours replaces it
    runner.handle_sigterm = lambda *_: request_stop(signal.SIGTERM)
    previous = signal.signal(signal.SIGINT, request_stop)

    async def main() -> None:
        loop_box.append(asyncio.get_running_loop())
        retargeted = await retarget_scheduled_runs(deployment_id)
        if retargeted:
            logger.info("%d scheduled run(s) of an earlier serve now use this serve's parameters", retargeted)
        started = asyncio.create_task(runner.start())
        waiter = asyncio.create_task(stop.wait())
        await asyncio.wait({started, waiter}, return_when=asyncio.FIRST_COMPLETED)
        if started.done():  # the runner ended by itself (an error): say it
            started.result()
            return
        logger.info("stop requested (%s): abandoning a run in progress, stopping the runner", received[0])
        runner.stopping = True  # no scheduled run starts from now on
        # a run in progress gets SIGTERM: the nightly flow removes its build and exits
        await asyncio.to_thread(stop_children, exclude_pids, STOP_SECONDS)
        try:
            await asyncio.wait_for(runner.astop(), 3)
        except Exception:  # noqa: BLE001 - a stop must finish; nothing of a run is left by now
            logger.info("the runner did not stop within 3 s; leaving it", exc_info=True)
        started.cancel()
        try:
            await asyncio.wait_for(started, 2)
        except (asyncio.CancelledError, Exception):  # noqa: BLE001
            pass

    try:
        asyncio.run(main())
    finally:
        signal.signal(signal.SIGINT, previous)
        stop_children(exclude_pids, 2.0)
        stop_late_children(2.0)
        shutil.rmtree(marker_dir, ignore_errors=True)
    return received[0] if received else "runner ended"
