"""Ingest: the user's sources and the bundled reference data into the build's ``raw.*``."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from hsguard.faults import pause_point, transient_failure_if_asked
from hsguard.loading import (
    DEFAULT_MAX_QUARANTINE_SHARE,
    LINEAGE_SCHEMA,
    PreviousLoads,
    SourceBundle,
    carry_history,
    load_reference,
    load_sources,
    previous_loads,
    read_sources,
    refusal,
)
from hsguard.mapping import parse_options
from hsguard.runinfo import utc_now
from hsguard.settings import TASK_RETRIES, TASK_RETRY_DELAY_SECONDS, is_transient_failure
from hsguard.sources import ContractError, ParseOptions
from hsguard.warehouse import connect, write_table


@task(
    cache_policy=NO_CACHE,
    retries=TASK_RETRIES,
    retry_delay_seconds=TASK_RETRY_DELAY_SECONDS,
    retry_condition_fn=is_transient_failure,
)
def read_inputs(
    sources: Path, build_dir: Path, previous: PreviousLoads, options: ParseOptions
) -> SourceBundle | str:
    """Read and contract-check every source file. Nothing is written yet, so a transient
    failure (an export being replaced, a network share hiccup) is retried. A file that
    cannot be loaded at all is not an error of the run but of its input: the one-line
    reason is returned (no exception, so no traceback)."""
    transient_failure_if_asked("transient_read", build_dir)
    try:
        return read_sources(sources, previous, options)
    except ContractError as exc:
        return str(exc)


@flow(name="ingest", log_prints=True)
def ingest(
    sources: str,
    build_file: str,
    published: str,
    run_id: str,
    copied: bool = False,
    decimal_comma: bool = False,
    date_format: str | None = None,
    max_quarantine: float = DEFAULT_MAX_QUARANTINE_SHARE,
    accept_quarantine: bool = False,
    mapping: str | None = None,
) -> dict:
    """Load raw tables, quarantine bad rows, record lineage; returns the load summary, or
    ``{"refused": reason}`` when the input must not be published (nothing written).

    ``copied``: the build file is a copy of the published warehouse (flows/nightly.py),
    so it already holds the run history, and the files the published build loaded byte
    for byte keep their raw tables instead of being read again. ``decimal_comma`` and
    ``date_format``: how the exports write numbers and dates (hsguard.sources). A file
    with more than ``max_quarantine`` of its rows quarantined whole is refused unless
    ``accept_quarantine``. ``mapping``: the column mapping file (hsguard.mapping; default
    SOURCES/mapping.yml when there is one)."""
    try:
        options = parse_options(Path(sources), Path(mapping) if mapping else None, decimal_comma, date_format)
    except ContractError as exc:
        return {"refused": str(exc)}
    previous: PreviousLoads = {}
    if copied:
        con = connect(Path(build_file), read_only=True)
        try:
            previous = previous_loads(con)
        finally:
            con.close()
    bundle = read_inputs(Path(sources), Path(build_file).parent, previous, options)
    if isinstance(bundle, str):
        return {"refused": bundle}
    refused = refusal(bundle, 1.0 if accept_quarantine else max_quarantine)
    if refused:
        hint = "" if accept_quarantine else " (rerun with --accept-quarantine to publish anyway)"
        return {"refused": refused + hint}
    loaded_at = utc_now()
    reference_override = Path(sources) / "reference"
    con = connect(Path(build_file))
    try:
        if copied:
            carried = con.execute("select count(*) from audit.run_history").fetchone()[0]
        else:
            carried = carry_history(con, Path(published))
        lineage = load_sources(con, bundle, run_id, loaded_at, previous)
        con.execute("checkpoint")
        pause_point("ingest", Path(build_file).parent)  # half-loaded build on disk
        try:
            lineage += load_reference(
                con, reference_override if reference_override.is_dir() else None, run_id, loaded_at, previous
            )
        except ContractError as exc:  # a reference file that does not parse: the build is discarded
            return {"refused": f"reference/{exc}"}
        write_table(con, "audit", "load_lineage", pl.DataFrame(lineage, schema_overrides=LINEAGE_SCHEMA))
        # every file's nulled values, kept files' included (load_sources carried them)
        fields_rejected = con.execute("select count(*) from audit.field_rejections").fetchone()[0]
        con.execute("checkpoint")
    finally:
        con.close()
    for name, loaded in bundle.files.items():
        nulled = f", {loaded.rejections.height} bad value(s) nulled" if loaded.rejections.height else ""
        print(
            f"  {name}: {loaded.rows_in} rows in, {loaded.good.height} loaded, "
            f"{loaded.quarantine.height} quarantined{nulled}"
        )
    for name, kept in bundle.kept.items():
        print(
            f"  {name}: unchanged since the published run (sha256 {kept.sha256[:12]}), "
            f"its {kept.rows_loaded} loaded and {kept.rows_quarantined} quarantined rows kept"
        )
    kept_reference = sorted({r["raw_table"] for r in lineage if r["dataset"] and r["kept"]})
    if kept_reference:
        print(f"  reference tables unchanged since the published run, kept: {len(kept_reference)}")
    return {
        "rows_in": bundle.rows_in,
        "rows_loaded": bundle.rows_loaded,
        "rows_quarantined": bundle.rows_quarantined,
        "fields_rejected": fields_rejected,
        "runs_in_history": carried,
        "files_read": len(bundle.files),
        "files_kept": len(bundle.kept),
        "reference_tables": len({r["raw_table"] for r in lineage if r["dataset"]}),
        "reference_kept": len(kept_reference),
        "reference": [
            {
                "dataset": r["dataset"],
                "edition": r["edition"],
                "file": r["source_file"],
                "sha256": r["sha256"],
                "rows_loaded": r["rows_loaded"],
            }
            for r in lineage
            if r["dataset"]
        ],
    }
