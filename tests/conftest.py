"""Shared fixtures: an isolated Prefect home, helpers to run the real CLI, and one
published build of the bundled sample per session (``sample_run``) that tests read,
or copy (``published_copy``, ``copy_published``) when they need a published warehouse
to start from. Only tests whose subject is the run itself make a run of their own."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from hsguard.spark import import_gx_pyspark_shim_safely

# pytest-xdist's workers are processes whose __main__ has no file and no spec: pyspark would
# end them when Great Expectations imports it (hsguard.spark.import_gx_pyspark_shim_safely)
import_gx_pyspark_shim_safely()

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = PROJECT_ROOT / "data" / "sample"


def start_prefect_server(home: Path) -> tuple[subprocess.Popen, str]:
    """Start ``prefect server start`` on a free loopback port with its own home and
    database (its log in ``home/server.log``); returns the process and its API URL at
    once, without waiting for it to answer (``wait_for_prefect_server``)."""
    import socket

    home.mkdir(parents=True, exist_ok=True)
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
    }
    with (home / "server.log").open("w") as log:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("prefect")),
                "server",
                "start",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return server, f"http://127.0.0.1:{port}/api"


def wait_for_prefect_server(url: str, pid: int, log: Path) -> None:
    """Until the server at ``url`` (process ``pid``) answers its health check."""
    import time
    import urllib.request

    def running() -> bool:
        try:  # neither gone nor a zombie
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in "ZX"
        except (OSError, IndexError):
            return False

    # a bound on a hang, not a speed limit: with other engineers' builds on the two cores
    # the server has taken more than 120 s to answer
    deadline = time.time() + 600
    while True:
        assert running(), "the Prefect server ended\n" + log.read_text()[-3000:]
        assert time.time() < deadline, (
            "no answer from the Prefect server in 600 s\n" + log.read_text()[-3000:]
        )
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)


def stop_prefect_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=30)


#: the folder (under the pytest-xdist controller's temporary folder, the workers' common
#: parent) of the suite's one Prefect server: ``server.json`` (url, pid) and its home
SHARED_PREFECT_SERVER = "prefect_server"
_SHARED_SERVER: list[subprocess.Popen] = []


def _xdist_controller(config) -> bool:
    return not hasattr(config, "workerinput") and bool(getattr(config.option, "numprocesses", None))


def pytest_sessionstart(session) -> None:
    """Under pytest-xdist (``make test``), the controller starts the suite's one Prefect
    server (``prefect_server``) as the session starts, while the workers start their
    first files (the first CLI run on it comes minutes later, after the shared sample
    build), and stops it when every worker is done (``pytest_unconfigure``)."""
    config = session.config
    if not _xdist_controller(config):
        return
    # the folder pytest-xdist makes the workers' temporary folders in (xdist/workermanage.py)
    folder = config._tmp_path_factory.getbasetemp() / SHARED_PREFECT_SERVER
    server, url = start_prefect_server(folder / "home")
    _SHARED_SERVER.append(server)
    (folder / "server.json").write_text(json.dumps({"url": url, "pid": server.pid}), encoding="utf-8")


def pytest_unconfigure(config) -> None:
    while _SHARED_SERVER:
        stop_prefect_server(_SHARED_SERVER.pop())


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory) -> str:
    """A real Prefect server (``prefect server start`` on a free loopback port, its own
    home and database) for the whole suite; yields its API URL. CLI runs pointed at it
    (``cli_env``) skip the ~10 s start of a temporary server each; the temporary server
    (no PREFECT_API_URL, what a user gets by default) is still used by ``sample_run`` and
    by ``hsguard serve`` in test_serve. Under pytest-xdist both workers use the one the
    controller started (``pytest_sessionstart``: a start costs about 12 s of CPU, an idle
    server about 2 s a minute); in a plain session it is started here and stopped at the
    end of the session."""
    if os.environ.get("PYTEST_XDIST_WORKER") is not None:
        folder = tmp_path_factory.getbasetemp().parent / SHARED_PREFECT_SERVER
        started = json.loads((folder / "server.json").read_text(encoding="utf-8"))
        wait_for_prefect_server(started["url"], started["pid"], folder / "home" / "server.log")
        yield started["url"]
        return
    home = tmp_path_factory.mktemp("prefect_server_home")
    server, url = start_prefect_server(home)
    try:
        wait_for_prefect_server(url, server.pid, home / "server.log")
        yield url
    finally:
        stop_prefect_server(server)


@pytest.fixture(scope="session")
def run_env(tmp_path_factory) -> dict[str, str]:
    """Environment for CLI subprocesses without a Prefect server: a private Prefect home
    (no network beyond loopback); a run started with it starts Prefect's temporary
    server, as a user's run does by default."""
    home = tmp_path_factory.mktemp("prefect_home")
    env = dict(os.environ)
    env.pop("HSGUARD_PAUSE_AT", None)
    env.pop("PREFECT_API_URL", None)
    env["PREFECT_HOME"] = str(home)
    env["PYTHONUNBUFFERED"] = "1"
    # the runs that start Prefect's temporary server (sample_run, test_serve) wait for it
    # longer than a user's run does (90 s, hsguard.settings): with six engineers' runs on
    # the suite's two cores it has taken more than 110 s to answer
    env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "600")
    return env


@pytest.fixture(scope="session")
def cli_env(run_env, prefect_server) -> dict[str, str]:
    """``run_env`` and the suite's Prefect server (``prefect_server``). Drop
    PREFECT_API_URL from a copy to have a run start its own temporary server instead."""
    return dict(run_env, PREFECT_API_URL=prefect_server)


def hsguard_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "hsguard.cli", *args]


def run_args(warehouse, reports, sources=SAMPLE_DIR) -> list[str]:
    """``hsguard run`` arguments for a warehouse and reports folder (sources: the bundled sample)."""
    return ["run", "--sources", str(sources), "--warehouse", str(warehouse), "--reports", str(reports)]


def run_cli(env: dict[str, str], *args: str, timeout: int = 2400) -> subprocess.CompletedProcess:
    """Run ``hsguard *args`` in a subprocess from the project root; output captured. The
    timeout only ends a hung run: a sample build has taken more than 20 min on the shared
    2-core machine (load average 27)."""
    return subprocess.run(
        hsguard_cmd(*args), env=env, capture_output=True, text=True, timeout=timeout, cwd=PROJECT_ROOT
    )


def run_log(result: subprocess.CompletedProcess) -> str:
    """The text of the log file an ``hsguard run`` names on its second line (what the
    quiet console leaves out: dbt's node lines, the flows' detail lines, Prefect's
    retries); empty when it names none."""
    import re

    found = re.search(r"^\s*log\s+(\S+)", result.stdout, flags=re.MULTILINE)
    path = Path(found.group(1)) if found else None
    if path is not None and not path.is_absolute():
        path = PROJECT_ROOT / path
    return path.read_text(encoding="utf-8") if path is not None and path.is_file() else ""


@contextmanager
def once_per_suite(tmp_path_factory, name: str):
    """Yield ``(folder, done)`` for something the whole suite shares, made once: ``folder``
    to make it in and ``done`` (a JSON file: write it when made). In a plain session the
    folder is the session's own. Under pytest-xdist (``make test`` runs two workers) the
    workers' session folders share a parent: the first worker to take ``name``'s lock
    makes it there while the others wait, then find ``done`` written and only read it."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        folder = tmp_path_factory.mktemp(name)
        yield folder, folder / "done.json"
        return
    shared = tmp_path_factory.getbasetemp().parent
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            folder = shared / name
            folder.mkdir(exist_ok=True)
            yield folder, folder / "done.json"
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory, run_env) -> dict:
    """One real `hsguard run` on the bundled sample for the whole suite (both pytest-xdist
    workers: ``once_per_suite``), shared by every test that only reads a published build.
    Keys: ``warehouse`` (the published ``.../wh/hsguard.duckdb``), ``reports`` (with
    ``latest``), ``root`` (their parent, for files a reader writes beside them),
    ``summary`` (latest/summary.json), ``output`` (the run's stdout + stderr: the console)
    and ``log`` (its log file, run_log). Run with Prefect's temporary server, as a user's
    first run is. Never write to it: copy it (``published_copy``)."""
    with once_per_suite(tmp_path_factory, "sample_run") as (root, done):
        if done.is_file():
            return published_build(json.loads(done.read_text(encoding="utf-8")))
        warehouse, reports = root / "wh" / "hsguard.duckdb", root / "reports"
        # as a user runs it: no PREFECT_API_URL, so Prefect's temporary server (and it
        # need not wait for the suite's server to answer)
        result = run_cli(run_env, *run_args(warehouse, reports))
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        made = {
            "warehouse": str(warehouse),
            "reports": str(reports),
            "root": str(root),
            "output": result.stdout + result.stderr,
            "log": run_log(result),
        }
        done.write_text(json.dumps(made), encoding="utf-8")
        return published_build(made)


def published_build(made: dict) -> dict:
    """``sample_run``'s keys from what its run recorded (paths as strings)."""
    reports = Path(made["reports"])
    summary = json.loads((reports / "latest" / "summary.json").read_text(encoding="utf-8"))
    return {
        "warehouse": Path(made["warehouse"]),
        "reports": reports,
        "root": Path(made["root"]),
        "summary": summary,
        "output": made["output"],
        "log": made["log"],
    }


def copy_published(published: dict, root: Path) -> dict:
    """A private, writable copy of a published build (``sample_run``) under ``root``:
    ``root/wh/hsguard.duckdb`` with its dbt state (``.hsguard.duckdb.dbt-state``, the saved
    parse) and ``root/reports`` (``latest`` is a relative link, so it points into the
    copy). The run lock file and any build directory are not copied. A copy is a valid
    published warehouse in its new folder: nothing in it records where it lives (a rerun
    is given the published path; views name the catalog, i.e. the file name, kept here).
    Returns the keys of ``sample_run`` (``output`` is the original run's) with the new
    paths."""
    source_dir = Path(published["warehouse"]).parent
    warehouse = root / "wh" / Path(published["warehouse"]).name
    shutil.copytree(
        source_dir,
        warehouse.parent,
        ignore=shutil.ignore_patterns("*.lock", ".hsguard-build-*", "*.wal"),
    )
    reports = root / "reports"
    shutil.copytree(published["reports"], reports, symlinks=True)
    return published | {"warehouse": warehouse, "reports": reports, "root": root}


@pytest.fixture
def published_copy(sample_run, tmp_path) -> dict:
    """The test's own writable copy of the session's published sample build (see
    ``copy_published``): a warehouse to rerun on, kill a run over, or change by hand,
    without a first run of its own. Keys as ``sample_run``; paths under ``tmp_path``."""
    return copy_published(sample_run, tmp_path / "published")


#: Test files in the order ``make test`` starts them (``--dist loadfile
#: --no-loadscope-reorder``: each of the two pytest-xdist workers takes the next file when
#: it is free), by their CPU time on the sample (measured with --durations=0 and each
#: test's process CPU time), longest first, so that both workers end at about the same
#: time instead of one running a long file alone at the end. The first makes the shared
#: sample build (``sample_run``); the second needs none for its first tests, so the other
#: worker is not left waiting for that build. Files not listed follow in collection
#: order; the order changes nothing a test asserts.
LONGEST_FIRST = (
    "tests/integration/test_spark_parity.py",
    "tests/integration/test_candidates.py",
    "tests/integration/test_incremental.py",
    "tests/integration/test_nightly.py",
    "tests/integration/test_overrides.py",
    "tests/integration/test_input_robustness.py",
    "tests/integration/test_serve.py",
    "tests/integration/test_html_report.py",
)


def pytest_collection_modifyitems(session, config, items) -> None:
    rank = {name: number for number, name in enumerate(LONGEST_FIRST)}
    root = Path(str(config.rootpath))

    def file_rank(item) -> int:
        path = Path(str(item.path)).resolve()
        try:
            name = path.relative_to(root).as_posix()
        except ValueError:
            name = path.as_posix()
        return rank.get(name, len(rank))

    items.sort(key=file_rank)  # stable: the order within a file and among the rest is kept
