"""Run dbt through its programmatic runner (never by building shell commands)."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
from collections.abc import Container
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from hsguard.paths import PROJECT_ROOT

RUN_ID_ENV = "HSGUARD_RUN_ID"
REUSE_ENV = "HSGUARD_REUSE"
PARTIAL_PARSE_FILE = "partial_parse.msgpack"

#: The report feeds (rpt_* models) and the staging views of the run records only they
#: read (tag report_input): built by the report stage, not by the transform's ``dbt
#: build``, because they read what the validate stage and the flag history add (and on a
#: first run audit.run_history and audit.flag_history do not exist before it).
REPORT_FEEDS = ("path:models/reports", "tag:report_input")

#: What decides what a model computes, besides its inputs: every file of these folders
#: and files of the dbt project, and the versions of these packages.
CODE_PATHS = ("models", "macros", "seeds", "dbt_project.yml")
CODE_PACKAGES = ("dbt-core", "dbt-duckdb", "duckdb")


class DbtBuildError(RuntimeError):
    """dbt build failed: a model, seed, data test or unit test did not pass."""


@dataclass
class DbtOutcome:
    nodes: int
    # Nodes dbt ran and passed; data tests not run again (reused) are not among them
    passed: int
    warned: int
    failures: list[str]
    # One dict per node: unique_id, resource_type, status (dbt's, or REUSED_STATUS for a
    # data test not run again), execution_seconds, rows_affected
    node_results: list[dict] = field(default_factory=list)
    # Tables taken from the published warehouse (unchanged inputs) and tables computed;
    # data tests not run again (passed last run on the same inputs) and data tests run
    reused: list[str] = field(default_factory=list)
    rebuilt: list[str] = field(default_factory=list)
    tests_reused: list[str] = field(default_factory=list)
    tests_run: list[str] = field(default_factory=list)
    unit_tests_skipped: bool = False
    # Relations of the build's copy of the published warehouse that no node builds any more
    dropped: list[str] = field(default_factory=list)
    # Nodes dbt visited, when only those whose inputs may have changed were given to it
    # (select_changed); None when dbt built every node
    visited: int | None = None


def invoke_dbt(
    command: list[str],
    database: Path,
    work_dir: Path,
    dbt_vars: dict | None = None,
    run_id: str | None = None,
    partial_parse_file: Path | None = None,
    reuse: dict | None = None,
    log_to_python: bool = False,
    manifest=None,
    relative_profile: bool = False,
):
    """Invoke ``dbt <command>`` against ``database``; returns dbt's result object.

    ``run_id`` reaches the models as the environment variable HSGUARD_RUN_ID (not a
    dbt var: a var that changes every run would make dbt re-parse the whole project,
    an env var only the few files that read it). ``partial_parse_file``, when it
    exists, is the saved parse of an earlier run for dbt to start from. ``reuse`` (the
    nightly build's settings for macros/reuse.sql) reaches the materialisation as the
    environment variable HSGUARD_REUSE, read at run time only; without it nothing is
    reused. ``log_to_python``: nothing on the console; dbt's info, warning and error
    lines go to the Python logger ``hsguard.dbt`` (the run's log file) and its node
    progress to hsguard.progress; dbt's own log in WORK_DIR/dbt_logs keeps its info
    lines (not every statement at debug level: with share_type_testers, about 15 % less
    CPU for an unchanged rerun, docs/BENCHMARKS.md). ``manifest``: a parse of this
    invocation's project (an earlier ``parse`` result) for dbt to use instead of parsing
    again. ``relative_profile``: the profile names ``database`` by its file name only, and
    dbt runs in the file's directory (the process's working directory for the call, set
    back afterwards). dbt keeps a saved parse only while the profile's connection details
    are unchanged (they are in its parse hash); a nightly build has a directory of its
    own, and a warehouse can be copied or moved, so its builds name their file this way:
    the profile is the same for every build of every copy."""
    from dbt.cli.main import dbtRunner

    work_dir = work_dir.resolve()  # absolute: dbt may run in another directory
    if partial_parse_file is not None:
        partial_parse_file = partial_parse_file.resolve()
    if relative_profile:
        database = database.resolve()
    os.environ["HSGUARD_DBT_PATH"] = database.name if relative_profile else str(database)
    os.environ[RUN_ID_ENV] = run_id or "manual"
    if reuse is None:
        os.environ.pop(REUSE_ENV, None)
    else:
        os.environ[REUSE_ENV] = json.dumps(reuse, sort_keys=True)
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
    callbacks = []
    if log_to_python:
        args = ["--log-level", "none", "--log-level-file", "info", *args]
        callbacks.append(DbtEventForwarder())
    share_type_testers()
    previous_cwd = os.getcwd()
    if relative_profile:
        os.chdir(database.parent)
    try:
        kwargs = {"callbacks": callbacks} if callbacks else {}
        if manifest is not None:
            kwargs["manifest"] = manifest
        runner = dbtRunner(**kwargs)
        return runner.invoke(args)
    finally:
        os.environ.pop(REUSE_ENV, None)
        release_duckdb()
        if relative_profile:
            os.chdir(previous_cwd)


def share_type_testers() -> None:
    """Make dbt build the agate type tester of a query result once per set of text
    columns instead of once per result. Every ``run_query`` (macros/reuse.sql makes a
    few per node) builds one, and its Date and DateTime types each load a parsedatetime
    locale through ICU (installed for the party-name keys): in a profile of a rerun whose
    tables and tests are reused, the largest cost in dbt's threads after DuckDB's own
    work. A type tester holds no state between tables
    (dbt shares its default one between threads), and the Date/DateTime types dbt gives
    it have a fixed format, so the locale is never used to read a value."""
    from dbt_common.clients import agate_helper

    build = agate_helper.build_type_tester
    if getattr(build, "hsguard_shared", False):
        return

    @functools.lru_cache(maxsize=256)
    def cached(text_columns: frozenset, string_null_values: tuple | None):
        return build(text_columns, string_null_values)

    def shared(text_columns, string_null_values=("null", "")):
        nulls = tuple(string_null_values) if string_null_values is not None else None
        return cached(frozenset(text_columns), nulls)

    shared.hsguard_shared = True
    agate_helper.build_type_tester = shared


class DbtEventForwarder:
    """A dbtRunner callback: dbt's info, warning and error lines to the logger
    ``hsguard.dbt``, and the count of finished nodes (of the total dbt announced) to
    hsguard.progress as ``nodes`` events."""

    LEVELS = {"info": 20, "warn": 30, "error": 40}

    def __init__(self) -> None:
        import logging

        self.logger = logging.getLogger("hsguard.dbt")
        self.logger.setLevel(logging.INFO)
        self.done = 0
        self.total = 0

    def __call__(self, event) -> None:
        from hsguard import progress

        info = event.info
        level = self.LEVELS.get(info.level)
        if level is not None and info.msg.strip():
            self.logger.log(level, info.msg)
        if info.name == "LogStartLine" and event.data.total:
            self.total = max(self.total, event.data.total)
        elif info.name == "NodeFinished":
            self.done += 1
            progress.emit("nodes", done=self.done, total=max(self.total, self.done))


def nightly_state_dir(database: Path) -> Path | None:
    """The dbt state folder of the warehouse whose nightly build ``database`` is (see
    hsguard.warehouse.WarehousePaths), or None when it is not in a build directory."""
    from hsguard.warehouse import BUILD_PREFIX, WarehousePaths

    if not database.parent.name.startswith(BUILD_PREFIX):
        return None
    return WarehousePaths(database.parent.parent / database.name).dbt_state_dir


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


def code_version(dbt_vars: dict | None = None, root: Path = PROJECT_ROOT) -> str:
    """sha256 of the dbt project's code (every file under CODE_PATHS, by relative path and
    content), the dbt, dbt-duckdb and DuckDB versions and the dbt vars: equal only when
    every model would compile and compute the same way."""
    digest = hashlib.sha256()
    for name in CODE_PATHS:
        top = root / name
        files = sorted(p for p in top.rglob("*") if p.is_file()) if top.is_dir() else [top]
        for path in files:
            if "__pycache__" in path.parts:
                continue
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    for package in CODE_PACKAGES:
        digest.update(f"{package}=={version(package)}\0".encode())
    digest.update(json.dumps(dbt_vars or {}, sort_keys=True).encode())
    return digest.hexdigest()


#: What a published warehouse needs for a build to reuse its tables and data tests.
REUSE_TABLES = ("model_fingerprints", "dbt_node_results", "run_history")


@dataclass(frozen=True)
class ReusePlan:
    """What a build may reuse: ``settings`` for the ``reusable_table`` materialisation
    (code_version and, when there is a published warehouse to reuse from, its path), and
    whether the unit tests can be skipped (the published build ran on the same code)."""

    settings: dict
    same_code: bool


def prepare_reuse(
    database: Path, published: Path | None, code: str, run_id: str = "manual", copied: bool = False
) -> ReusePlan:
    """Create the build's empty ``audit.model_fingerprints`` and decide what it may reuse
    from ``published``: nothing when there is none, or it is from before fingerprints.
    ``copied``: the build is a copy of ``published``, so a reused table is kept in place
    (``in_place``) rather than copied. ``run_id`` is the run's stamp: a table that differs
    from the published one only by it is reused with the new stamp."""
    import duckdb

    con = duckdb.connect(str(database))
    try:
        con.execute("create schema if not exists audit")
        con.execute(
            "create or replace table audit.model_fingerprints (node varchar, input_fingerprint varchar, "
            "content_token varchar, reused boolean, code_version varchar)"
        )
        con.execute("checkpoint")
    finally:
        con.close()
    settings = {"code_version": code, "run_id": run_id}
    built_with = published_code_version(published)
    if built_with is None:
        return ReusePlan(settings, same_code=False)
    return ReusePlan(
        settings | {"published": str(published.resolve()), "in_place": copied}, same_code=built_with == code
    )


def published_code_version(published: Path | None) -> str | None:
    """The code version (code_version()) the warehouse ``published`` was built with; None
    when there is none, or it is from before fingerprints (it lacks a REUSE_TABLES table
    or the code version column): then nothing of it can be reused."""
    import duckdb

    from hsguard.warehouse import schema_tables, table_columns

    if published is None or not published.is_file():
        return None
    con = duckdb.connect(str(published), read_only=True)
    try:
        if not set(REUSE_TABLES) <= schema_tables(con):
            return None
        if "code_version" not in table_columns(con, "model_fingerprints"):
            return None
        return con.execute("select max(code_version) from audit.model_fingerprints").fetchone()[0]
    finally:
        con.close()


def finish_reuse(database: Path) -> list[tuple[str, bool]]:
    """(node, reused) for every table and data test of the build."""
    import duckdb

    con = duckdb.connect(str(database), read_only=True)
    try:
        rows = con.execute(
            "select node, reused from audit.model_fingerprints where reused is not null order by node"
        ).fetchall()
    finally:
        con.close()
    return [(node, bool(reused)) for node, reused in rows]


def dbt_build(
    database: Path,
    work_dir: Path,
    run_id: str,
    state_dir: Path | None = None,
    published: Path | None = None,
    copied: bool = False,
) -> DbtOutcome:
    """``dbt build`` (seeds, models, data tests and unit tests); raise DbtBuildError on failure.

    With ``state_dir`` (beside the warehouse), dbt starts from the parse the last
    successful build saved there, and this build's parse replaces it when it succeeds.
    With ``published``, tables whose inputs did not change since the published build are
    taken from it (macros/reuse.sql): kept as they are when the build is a copy of it
    (``copied``), else copied; and the unit tests are skipped when the published build
    ran on the same code: they read no data, so they would pass again. A copy of a
    published build of the same code gives dbt only the nodes whose inputs may have
    changed (select_changed): the others keep their published record. In a copy, the
    relations no node builds any more are dropped afterwards. The report feeds are left
    to build_report_feeds."""
    saved = state_dir / PARTIAL_PARSE_FILE if state_dir is not None else None
    plan = prepare_reuse(database, published, code_version(), run_id, copied)
    command = ["build", "--exclude", *REPORT_FEEDS]
    if plan.same_code:
        command += ["--exclude-resource-type", "unit_test"]
    shortcut: Shortcut | None = None

    def invoke(args: list[str], manifest=None):
        return invoke_dbt(
            args,
            database,
            work_dir,
            run_id=run_id,
            partial_parse_file=saved,
            reuse=plan.settings,
            log_to_python=True,
            manifest=manifest,
            relative_profile=True,
        )

    prefixed = bool(os.environ.get("HSGUARD_SCHEMA_PREFIX"))
    if plan.same_code and copied and published is not None and not prefixed:
        shortcut = select_changed(database, published, invoke)
    if shortcut is None:
        result = invoke(command)
    elif shortcut.selected:
        result = invoke(
            [*command, "--select", *shortcut.selected, "--indirect-selection", "empty"], shortcut.manifest
        )
    else:
        result = None
    node_results, failures = checked_results(result, "dbt build") if result is not None else ([], [])
    if saved is not None:
        save_partial_parse(work_dir / "dbt_target" / PARTIAL_PARSE_FILE, saved)
    reused = finish_reuse(database)
    tests_reused = [node for node, was_reused in reused if was_reused and node.startswith("test.")]
    results = [node_result(r, set(tests_reused)) for r in node_results]
    if shortcut is not None:
        results += shortcut.carried_results
    passed = sum(1 for r in results if r["status"] in ("success", "pass"))
    warned = sum(1 for r in results if r["status"] == "warn")
    dropped = drop_stale_relations(database, work_dir / "dbt_target" / "manifest.json") if copied else []
    return DbtOutcome(
        len(results),
        passed,
        warned,
        failures,
        results,
        reused=[node for node, was_reused in reused if was_reused and node.startswith("model.")],
        rebuilt=[node for node, was_reused in reused if not was_reused and node.startswith("model.")],
        tests_reused=tests_reused,
        tests_run=[node for node, was_reused in reused if not was_reused and node.startswith("test.")],
        unit_tests_skipped=plan.same_code,
        dropped=dropped,
        visited=len(node_results) if shortcut is not None else None,
    )


@dataclass
class Shortcut:
    """What select_changed decided: the dbt selectors of the nodes to build (``selected``),
    the parse they come from (``manifest``), and the node results recorded for the nodes
    kept with their published record (``carried_results``)."""

    selected: list[str]
    manifest: object
    carried_results: list[dict]


#: What in a model's SQL reads the run id (env_var HSGUARD_RUN_ID, or macros/reports.sql's
#: helpers that do: the run id, the run's day, this run's rows): such a view is made again
#: by every build, and a new run id makes dbt parse its file again.
RUN_ID_READERS = ("env_var", "hsguard_run_id(", "hsguard_run_date(", "this_run_rows(")


def select_changed(database: Path, published: Path, invoke) -> Shortcut | None:
    """Which nodes of a build that is a copy of ``published`` (same code) dbt has to visit.

    dbt parses the project (``invoke(["parse"])``) and records the token of every source in
    the build (macros/reuse.sql: hsguard_record_source_tokens, the rule the fingerprints
    use). A node has to be built, with everything that reads it, when a source it reads
    has another token than the published build recorded (or none), or when it is never
    reused (no input fingerprint recorded: it reads the clock or carries load times), is
    missing from the published records, or is a view that reads the run id. A reused
    table with a run stamp is visited too (its stamp is set to this run), and a data test
    that reads a visited node, or did not pass (or was not reused) in the published run.
    Every other table, view, seed and data test would be kept by the materialisation as
    it is in the copy: it is not visited, and its published fingerprint rows are recorded
    as this build's (tables and data tests as reused; by macros/reuse.sql's
    hsguard_record_kept_nodes, in one run-operation), its node result as ``success``
    (tables, seeds, views) or REUSED_STATUS (data tests). None when the parse fails or
    the published build lacks what this needs (then the whole build runs)."""
    import duckdb

    parsed = invoke(["parse"])
    if not parsed.success or parsed.result is None:
        return None
    manifest = parsed.result
    recorded = invoke(["run-operation", "hsguard_record_source_tokens"], manifest)
    if not recorded.success:
        return None
    con = duckdb.connect(str(database))
    try:
        quoted = "'" + str(published).replace("'", "''") + "'"
        con.execute(f"attach {quoted} as pub (read_only)")
        latest = con.execute("select max(run_id) from pub.audit.run_history").fetchone()[0]
        if latest is None:
            return None
        rows = con.execute(
            "select node, input_fingerprint, content_token, reused, code_version "
            "from pub.audit.model_fingerprints"
        ).fetchall()
        statuses = dict(
            con.execute(
                "select unique_id, status from pub.audit.dbt_node_results where run_id = ?", [latest]
            ).fetchall()
        )
        fresh = dict(
            con.execute(
                "select node, max(content_token) from audit.model_fingerprints "
                "where node like 'source.%' group by node"
            ).fetchall()
        )
        stamped = {
            (schema, table)
            for schema, table in con.execute(
                "select table_schema, table_name from information_schema.columns "
                "where table_catalog = current_database() and column_name = 'run_id'"
            ).fetchall()
        }
        main: dict[str, tuple] = {}
        token_rows: dict[str, list[tuple]] = {}
        for row in rows:
            if row[3] is None:
                token_rows.setdefault(row[0], []).append(row)
            else:
                main[row[0]] = row
        published_tokens = {
            node: {r[2] for r in found if r[2] is not None} for node, found in token_rows.items()
        }
        # the transform's nodes: not the report feeds (REPORT_FEEDS), nor their data tests
        feeds = {
            uid
            for uid, node in manifest.nodes.items()
            if str(node.original_file_path).startswith("models/reports")
            or "report_input" in (node.tags or [])
        }
        nodes = {
            uid: node
            for uid, node in manifest.nodes.items()
            if node.resource_type in ("model", "seed", "test")
            and uid not in feeds
            and not (node.resource_type == "test" and set(node.depends_on.nodes) & feeds)
        }
        changed_sources = {
            uid
            for uid, token in fresh.items()
            if token is None or token not in published_tokens.get(uid, set())
        }
        changed_sources |= {uid for uid in published_tokens if uid.startswith("source.") and uid not in fresh}
        roots: set[str] = set()  # built, with everything that reads them
        alone: set[str] = set()  # built (stamped tables, tests that did not pass)
        for uid, node in nodes.items():
            materialized = node.config.materialized
            if node.resource_type == "model":
                if materialized == "reusable_table":
                    found = main.get(uid)
                    if found is None or found[1] is None:
                        roots.add(uid)
                    elif (node.schema, node.alias or node.name) in stamped:
                        alone.add(uid)
                elif materialized == "view":
                    if any(reader in (node.raw_code or "") for reader in RUN_ID_READERS):
                        roots.add(uid)
                elif materialized not in ("table", "ephemeral"):
                    roots.add(uid)
            elif node.resource_type == "test":
                found = main.get(uid)
                if found is None or found[1] is None or statuses.get(uid) not in ("pass", REUSED_STATUS):
                    alone.add(uid)
        children = manifest.child_map
        visit: set[str] = set()
        stack = [*roots, *(child for uid in changed_sources for child in children.get(uid, []))]
        while stack:
            uid = stack.pop()
            if uid in visit:
                continue
            visit.add(uid)
            stack.extend(children.get(uid, []))
        visit = {uid for uid in visit | alone if uid in nodes}
        # a data test of a visited node is run (it reads what this build made)
        for uid, node in nodes.items():
            if node.resource_type == "test" and set(node.depends_on.nodes) & visit:
                visit.add(uid)
        # dbt selects by name: a name shared with a visited node is visited as well
        names = {}
        for uid, node in nodes.items():
            names.setdefault((node.resource_type, node.name), []).append(uid)
        for uid in list(visit):
            visit.update(names[(nodes[uid].resource_type, nodes[uid].name)])
        carried = [uid for uid in nodes if uid not in visit and nodes[uid].config.materialized != "ephemeral"]
    finally:
        con.close()
    # their published fingerprint rows become this build's: written by macros/reuse.sql,
    # the one writer of audit.model_fingerprints
    recorded_rows = [uid for uid in carried if uid in main or uid in token_rows]
    if recorded_rows:
        kept = invoke(
            ["run-operation", "hsguard_record_kept_nodes", "--args", json.dumps({"nodes": recorded_rows})],
            manifest,
        )
        if not kept.success:
            return None
    carried_results = [
        {
            "unique_id": uid,
            "resource_type": str(nodes[uid].resource_type),
            "status": REUSED_STATUS if nodes[uid].resource_type == "test" else "success",
            "execution_seconds": 0.0,
            "rows_affected": None,
        }
        for uid in sorted(carried)
    ]
    selected = sorted({nodes[uid].name for uid in visit})
    return Shortcut(selected, manifest, carried_results)


def build_report_feeds(database: Path, work_dir: Path, run_id: str) -> list[dict]:
    """``dbt build`` of the report feeds (models/reports: their tables, data tests and unit
    tests) on ``database``, once the run's flags, validation results and flag history are
    in it; raise DbtBuildError on failure. It names the build file as the transform's
    ``dbt build`` does (invoke_dbt's ``relative_profile``), so in a nightly build dbt
    starts from the parse that build left in WORK_DIR (or, when no transform ran, takes the
    one saved beside the warehouse: saved_manifest); their unit tests are skipped when the published warehouse
    was built from the same code, as the transform's are. The feeds are stamped with
    ``run_id``, so none is reused from the published build. Returns one node_result() per
    node built or tested (the exposures, which dbt lists as no-ops, left out)."""
    state_dir = nightly_state_dir(database)
    # a night with nothing new runs no transform (flows/unchanged.py): dbt takes the parse
    # the last successful build saved beside the warehouse (as it is when the project is
    # unchanged since: saved_manifest; else as the start of a partial parse)
    saved = manifest = None
    if state_dir is not None and not (work_dir / "dbt_target" / PARTIAL_PARSE_FILE).is_file():
        saved = state_dir / PARTIAL_PARSE_FILE
        manifest = saved_manifest(saved)
    command = ["build", "--select", *REPORT_FEEDS]
    published = database.parent.parent / database.name
    if state_dir is not None and published_code_version(published) == code_version():
        # the feeds' unit tests read no data: on the published build's code they would pass again
        command += ["--exclude-resource-type", "unit_test"]
    result = invoke_dbt(
        command,
        database,
        work_dir,
        run_id=run_id,
        partial_parse_file=saved,
        log_to_python=True,
        manifest=manifest,
        relative_profile=True,
    )
    node_results, _ = checked_results(result, "dbt build of the report feeds")
    return [node_result(r) for r in node_results if str(r.node.resource_type) != "exposure"]


def checked_results(result, what: str) -> tuple[list, list[str]]:
    """dbt's node results and failures (none: it raises DbtBuildError when there are any,
    or when dbt could not run)."""
    if result.exception is not None and not isinstance(result.exception, Exception):
        # Ctrl-C or a termination signal that reached dbt (it returns, not raises, them):
        # the run stops as it would anywhere else, not as a failed dbt build
        raise result.exception
    if result.exception is not None:
        raise DbtBuildError(f"dbt could not run: {result.exception}")
    node_results = list(getattr(result.result, "results", []) or [])
    failures = [
        f"{r.node.unique_id}: {' '.join(str(r.message or r.status).split())[:400]}"
        for r in node_results
        if str(r.status) in ("error", "fail", "runtime error")
    ]
    if failures or not result.success:
        shown = "; ".join(failures[:5]) or "see dbt log"
        raise DbtBuildError(f"{what} failed ({len(failures)} node(s)): {shown}")
    return node_results, failures


def drop_stale_relations(database: Path, manifest: Path) -> list[str]:
    """Drop the tables and views of dbt's schemas that no model or seed of ``manifest``
    builds any more (a build that starts as a copy of the published warehouse would
    otherwise keep a removed model's last table). Returns their names."""
    import duckdb

    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"].values()
    built = {
        (n["schema"], n.get("alias") or n["name"])
        for n in nodes
        if n["resource_type"] in ("model", "seed", "snapshot")
    }
    schemas = {schema for schema, _ in built}
    con = duckdb.connect(str(database))
    try:
        stale = [
            (schema, name, kind)
            for schema, name, kind in con.execute(
                "select table_schema, table_name, table_type from information_schema.tables "
                "where table_catalog = current_database()"
            ).fetchall()
            if schema in schemas and (schema, name) not in built
        ]
        for schema, name, kind in stale:  # names from the catalog, quoted
            quoted = '"' + schema.replace('"', '""') + '"."' + name.replace('"', '""') + '"'
            con.execute(f"drop {'view' if kind == 'VIEW' else 'table'} {quoted}")
        con.execute("checkpoint")
    finally:
        con.close()
    return [f"{schema}.{name}" for schema, name, _ in stale]


def save_partial_parse(written: Path, saved: Path) -> None:
    """Keep dbt's parse of this build for the next run (copied, then renamed: atomic),
    with the parse key (parse_key) of the project it parsed beside it."""
    if not written.is_file():
        return
    saved.parent.mkdir(parents=True, exist_ok=True)
    key = parse_key_file(saved)
    key.unlink(missing_ok=True)  # no key beside a parse it was not computed for
    partial = saved.with_name(saved.name + ".partial")
    shutil.copyfile(written, partial)
    os.replace(partial, saved)
    key.write_text(parse_key(), encoding="utf-8")


#: Besides CODE_PATHS, what dbt parses (dbt_project.yml's test-paths and second seed
#: path) and the profile: a saved parse is used as it is only when all are unchanged.
PARSE_PATHS = ("tests/dbt", "tests/screening_evaluation/seed", "profiles.yml")


def parse_key(root: Path = PROJECT_ROOT) -> str:
    """sha256 of code_version() and the files of PARSE_PATHS: equal only when dbt would
    parse the project into the same manifest."""
    digest = hashlib.sha256(code_version(root=root).encode())
    for name in PARSE_PATHS:
        top = root / name
        files = sorted(p for p in top.rglob("*") if p.is_file()) if top.is_dir() else [top]
        for path in files:
            if "__pycache__" in path.parts or not path.is_file():
                continue
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def parse_key_file(saved: Path) -> Path:
    return saved.with_name(saved.name + ".key")


def saved_manifest(saved: Path):
    """dbt's manifest as the last successful build saved it (``saved``, its partial parse
    file), when it was parsed from the project as it is now (parse_key); else None (dbt
    then parses, starting from that file). Read as dbt reads it for a partial parse: a
    night that builds only the report feeds skips dbt's parse altogether."""
    key = parse_key_file(saved)
    if not (saved.is_file() and key.is_file()) or key.read_text(encoding="utf-8") != parse_key():
        return None
    try:
        from dbt.contracts.graph.manifest import Manifest
        from dbt.parser.manifest import extended_mashumuro_decoder

        return Manifest.from_msgpack(saved.read_bytes(), decoder=extended_mashumuro_decoder)
    except Exception:  # noqa: BLE001 - another dbt's file, or damaged: dbt parses instead
        return None


#: The status ``audit.dbt_node_results`` records for a data test that was not run again
#: because it passed in the published run on the same inputs (macros/reuse.sql): dbt
#: reports it as a pass, but nothing was checked this run.
REUSED_STATUS = "reused"


def node_result(result, tests_reused: Container[str] = ()) -> dict:
    """What ``audit.dbt_node_results`` keeps of one node of dbt's run results; a data test
    of ``tests_reused`` (not run again) has the status REUSED_STATUS, not dbt's pass."""
    adapter = getattr(result, "adapter_response", None) or {}
    rows = adapter.get("rows_affected") if isinstance(adapter, dict) else None
    unique_id = result.node.unique_id
    status = str(result.status)
    if unique_id in tests_reused and status == "pass":
        status = REUSED_STATUS
    return {
        "unique_id": unique_id,
        "resource_type": str(result.node.resource_type),
        "status": status,
        "execution_seconds": round(float(result.execution_time or 0.0), 3),
        "rows_affected": int(rows) if isinstance(rows, int) and rows >= 0 else None,
    }
