"""The nightly reconciliation: ingest -> transform -> validate -> report -> publish.

Holds the warehouse's run lock for the whole run, builds into a private copy of the
published warehouse (what did not change since is kept, the rest recomputed) and
publishes only a finished, validated build. On any failure the published warehouse
and ``reports/latest`` are untouched and the build's leftovers are removed.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from prefect import flow

from flows.ingest import ingest
from flows.publish import publish
from flows.report import report
from flows.transform import transform
from flows.unchanged import carry_node_results, keep_published
from hsguard import progress
from hsguard.dbt import code_version, published_code_version
from hsguard.faults import pause_point
from hsguard.loading import DEFAULT_MAX_QUARANTINE_SHARE
from hsguard.paths import DEFAULT_REPORTS, DEFAULT_WAREHOUSE, SAMPLE_DIR
from hsguard.reporting import data_docs_partial, partial_dir, remove_partials
from hsguard.runinfo import new_run_id, utc_now
from hsguard.unchanged import PublishedRun
from hsguard.warehouse import WarehousePaths, remove_leftovers, run_lock, start_build


@flow(name="nightly", log_prints=True)
def nightly(
    sources: str = str(SAMPLE_DIR),
    warehouse: str = str(DEFAULT_WAREHOUSE),
    reports: str = str(DEFAULT_REPORTS),
    full_refresh: bool = False,
    decimal_comma: bool = False,
    date_format: str | None = None,
    max_quarantine: float = DEFAULT_MAX_QUARANTINE_SHARE,
    accept_quarantine: bool = False,
    mapping: str | None = None,
) -> dict:
    """Run the whole reconciliation on ``sources`` and publish ``warehouse``; returns the
    summary, or ``{"refused": reason, ...}`` when the input was refused (nothing is
    published, the published warehouse is untouched). ``full_refresh``: keep nothing from
    the published warehouse (every file is loaded, every table computed, every suite
    validated; only the history is carried). The other options: flows/ingest.py."""
    run_id = new_run_id()
    started = utc_now()
    paths = WarehousePaths(Path(warehouse).resolve())
    reports_dir = Path(reports).resolve()
    stage_seconds: dict[str, float] = {}

    def stage(number: int, name: str):
        print(f"[{number}/5] {name} ...")
        progress.emit("stage_start", number=number, name=name)
        return time.perf_counter()

    def done(number: int, name: str, key: str, started: float, detail: str) -> None:
        stage_seconds[key] = time.perf_counter() - started
        progress.emit("stage_done", number=number, name=name, detail=detail, seconds=stage_seconds[key])

    with run_lock(paths):
        for leftover in remove_leftovers(paths):
            print(f"removed leftovers of an unfinished run: {leftover.name}")
            progress.emit("note", text=f"removed leftovers of an unfinished run: {leftover.name}")
        remove_partials(reports_dir)
        build_dir = paths.build_dir(run_id)
        build_dir.mkdir(parents=True)
        build_file = paths.build_file(run_id)
        try:
            reusable = not full_refresh and published_code_version(paths.published) == code_version()
            same = (
                unchanged_run(paths.published, sources, mapping, decimal_comma, date_format)
                if reusable
                else None
            )
            copied = start_build(paths, run_id, from_published=reusable)
            if copied:
                print(f"build starts from a copy of the published warehouse {paths.published.name}")
            elif paths.published.is_file():
                why = "--full-refresh" if full_refresh else "the published one was built by other code"
                print(f"build starts from an empty file ({why}): nothing is kept")
            if same is not None:
                # nothing new since the published run: keep its results (flows/unchanged.py)
                t = stage(1, "ingest and validate inputs")
                kept = keep_published(str(build_file), run_id, same.run_id, same.files, same.reference_files)
                loaded, built, validated = kept["loaded"], kept["transform"], kept["validation"]
                done(1, "ingest and validate inputs", "ingest", t, unchanged_detail(loaded))
                t = stage(2, "transform (dbt build)")
                done(2, "transform (dbt build)", "transform", t, "not run: nothing it reads changed")
                t = stage(3, "validate (Great Expectations)")
                pause_point("validate", build_dir)
                done(
                    3,
                    "validate (Great Expectations)",
                    "validate",
                    t,
                    "not run: " + validate_detail(validated),
                )
            else:
                from flows.validate import validate  # Great Expectations: imported when used
                from flows.validate_inputs import validate_inputs

                t = stage(1, "ingest and validate inputs")
                loaded = ingest_or_refuse(
                    sources,
                    build_file,
                    paths.published,
                    run_id,
                    copied,
                    build_dir,
                    decimal_comma=decimal_comma,
                    date_format=date_format,
                    max_quarantine=max_quarantine,
                    accept_quarantine=accept_quarantine,
                    mapping=mapping,
                )
                if "refused" in loaded:
                    return {"run_id": run_id, "refused": loaded["refused"]}
                loaded |= validate_inputs(str(build_file), str(build_dir), run_id)
                done(1, "ingest and validate inputs", "ingest", t, ingest_detail(loaded))

                t = stage(2, "transform (dbt build)")
                built = transform(
                    str(build_file),
                    str(build_dir),
                    run_id,
                    str(paths.dbt_state_dir),
                    None if full_refresh else str(paths.published),
                    copied,
                )
                done(2, "transform (dbt build)", "transform", t, transform_detail(built))

                t = stage(3, "validate (Great Expectations)")
                validated = validate(str(build_file), str(build_dir), run_id)
                pause_point("validate", build_dir)
                done(3, "validate (Great Expectations)", "validate", t, validate_detail(validated))

            t = stage(4, "report")
            summary = {
                "run_id": run_id,
                "started_at": started.isoformat(),
                "sources": str(Path(sources).resolve()),
                "warehouse": str(paths.published),
                **loaded,
                "validation": validated,
                "transform": built,
                "stage_seconds": stage_seconds,
            }
            summary = report(str(build_file), str(reports_dir), run_id, summary)
            pause_point("report", build_dir)
            done(4, "report", "report", t, f"{summary['flags_total']} flags, review queue and report.html")

            t = stage(5, "publish")
            if same is not None:
                carry_node_results(build_file, run_id, same.run_id)
            summary["stage_seconds"] = stage_seconds
            summary["report_dir"] = publish(str(paths.published), str(reports_dir), run_id, summary)
            done(5, "publish", "publish", t, "warehouse swapped in atomically")
            for line in kept_lines(summary, copied):
                print(line)
                progress.emit("note", text=line)
        except BaseException:
            shutil.rmtree(build_dir, ignore_errors=True)
            shutil.rmtree(partial_dir(reports_dir, run_id), ignore_errors=True)
            shutil.rmtree(data_docs_partial(reports_dir, run_id), ignore_errors=True)
            raise
    summary["stage_seconds"] = stage_seconds
    summary["seconds"] = (utc_now() - started).total_seconds()
    return summary


def unchanged_run(
    published: Path, sources: str, mapping: str | None, decimal_comma: bool, date_format: str | None
) -> PublishedRun | None:
    """The published run when tonight's run would be it again (hsguard.unchanged: same
    files, same day; the caller has compared the code), else None. Not with a schema
    prefix (a test's private schemas), nor with HSGUARD_KEEP_UNCHANGED=0 or a fault
    injected (hsguard.unchanged.shortcut_allowed): those take the ordinary path."""
    import os

    from hsguard.mapping import parse_options
    from hsguard.sources import ContractError
    from hsguard.unchanged import shortcut_allowed, unchanged_since_published

    if os.environ.get("HSGUARD_SCHEMA_PREFIX") or not shortcut_allowed():
        return None
    try:
        options = parse_options(Path(sources), Path(mapping) if mapping else None, decimal_comma, date_format)
    except ContractError:
        return None  # the ingest stage refuses it, with its reason
    return unchanged_since_published(published, Path(sources), options)


def unchanged_detail(loaded: dict) -> str:
    """The first stage's line on a night with nothing new."""
    return (
        f"nothing new: {loaded['files_kept']} source files and the reference data as run "
        f"{loaded['unchanged_since']} read them ({loaded['rows_in']} rows in, "
        f"{loaded['rows_loaded']} loaded, {loaded['rows_quarantined']} quarantined)"
    )


def ingest_or_refuse(
    sources: str | Path,
    target: str | Path,
    published: str | Path,
    run_id: str,
    copied: bool,
    build_dir: Path,
    *,
    decimal_comma: bool,
    date_format: str | None,
    max_quarantine: float,
    accept_quarantine: bool,
    mapping: str | Path | None,
) -> dict:
    """Stage 1's ingest, shared by the DuckDB and the Spark flow: ``ingest`` into
    ``target``; when it refuses a file (too much of it quarantined), the unpublished
    build folder is removed and the result carries ``refused`` for the caller to return."""
    loaded = ingest(
        str(Path(sources).resolve()),
        str(target),
        str(published),
        run_id,
        copied,
        decimal_comma=decimal_comma,
        date_format=date_format,
        max_quarantine=max_quarantine,
        accept_quarantine=accept_quarantine,
        mapping=str(Path(mapping).resolve()) if mapping else None,
    )
    if "refused" in loaded:
        shutil.rmtree(build_dir, ignore_errors=True)
    return loaded


def ingest_detail(loaded: dict) -> str:
    """The ingest stage's counters in one line."""
    line = (
        f"{loaded['rows_in']} rows in, {loaded['rows_loaded']} loaded, "
        f"{loaded['rows_quarantined']} quarantined"
    )
    if loaded.get("fields_rejected"):
        line += f", {loaded['fields_rejected']} bad values nulled"
    if loaded.get("input_rows_with_findings"):
        line += f"; {loaded['input_rows_with_findings']} rows with input findings (flagged)"
    return line


def transform_detail(built: dict) -> str:
    line = f"{built['nodes']} dbt nodes passed"
    if built.get("data_tests_reused"):
        line += f" ({built['data_tests_reused']} data tests reused)"
    if built.get("warned"):
        line += f", {built['warned']} warnings"
    return line


def validate_detail(validated: dict) -> str:
    return f"{validated['mart_expectations']} expectations on the marts, {validated['mart_failed']} failed"


def kept_lines(summary: dict, copied: bool) -> list[str]:
    """What the run took over from the published one, in one line (two when nothing
    changed at all: then it says so plainly)."""
    if not copied:
        return ["kept: nothing (a first run, or a full refresh): every file read, every table built"]
    built = summary["transform"]
    if summary.get("unchanged_since"):
        return [
            f"nothing changed since the published run {summary['unchanged_since']} (same files, same "
            "reference data, same code, same day): its tables, data tests and validation results were "
            f"kept ({built['tables_reused']} tables, {built['data_tests_reused']} data tests; dbt and "
            "Great Expectations not run again), and the check is recorded as tonight's run"
        ]
    files_kept, files = (
        summary.get("files_kept", 0),
        summary.get("files_kept", 0) + summary.get("files_read", 0),
    )
    refs_kept, refs = summary.get("reference_kept", 0), summary.get("reference_tables", 0)
    tables = built["tables_reused"] + built["tables_built"]
    tests = built["data_tests_reused"] + built.get("data_tests_run", 0)
    line = (
        f"kept from the published run: {files_kept} of {files} source files, {refs_kept} of {refs} "
        f"reference tables, {built['tables_reused']} of {tables} tables, {built['data_tests_reused']} "
        f"of {tests} data tests"
    )
    lines = [line]
    if files_kept == files and refs_kept == refs and built["unit_tests_skipped"]:
        lines.append(
            "nothing changed since the published run (same files, same reference data, same code): "
            "its results were kept, and the check is recorded as tonight's run"
        )
    return lines


if __name__ == "__main__":
    nightly()
