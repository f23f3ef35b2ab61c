"""A night with nothing new: is tonight's run the published one's again?

The nightly flow asks before it builds anything. When the published warehouse was built
from the same dbt code (the caller compares code versions), read every file tonight's
ingest would read from the same path with the same bytes and the same ingest code, and
its run started on the same UTC day (the clock is an input: CLASSIFICATION_STALE counts
days to the UTC date of the run id), then every raw table, model, data test and GX suite would come
out as published: the run does not load, build or validate again. It records tonight's
check instead (flows/nightly.py: the run history, the flag history, the report feeds
and the report) and publishes that. Anything this module cannot show to be the same
(a file added, removed, moved or changed, a reference file replaced, a new day, a
published run from before lineage had a code version) answers None, and the run takes
the ordinary path, which rebuilds what depends on it.

Plain functions, no Prefect: the rule that a file is the one the published build loaded
is hsguard.loading's (``unchanged_file`` and the paths ``read_sources`` and
``load_reference`` read), not a second one here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from hsguard.contracts import RULINGS, SOURCE_CONTRACTS
from hsguard.loading import BUNDLED_RULINGS, ingest_code_version, source_path, unchanged_file
from hsguard.reference import REFERENCE_FILES
from hsguard.sources import ContractError, ParseOptions, sha256_of
from hsguard.warehouse import schema_tables, table_columns

#: ``0``: never take the unchanged-night path (every rerun is built as in
#: docs/INTERNALS.md, dbt visiting what may have changed); for a test of that path, or
#: to have dbt and Great Expectations check an unchanged night once more.
KEEP_UNCHANGED_ENV = "HSGUARD_KEEP_UNCHANGED"


def shortcut_allowed() -> bool:
    """Whether this process may take the unchanged-night path: not when
    HSGUARD_KEEP_UNCHANGED is ``0``, nor when a fault is injected or a pause point asked
    for (hsguard.faults: the tests of the build path, which this path skips)."""
    import os

    from hsguard.faults import ENV as PAUSE_ENV
    from hsguard.faults import FAULT_ENV

    if os.environ.get(KEEP_UNCHANGED_ENV, "1").strip() == "0":
        return False
    return not (os.environ.get(PAUSE_ENV, "").strip() or os.environ.get(FAULT_ENV, "").strip())


#: The published warehouse's records this path reads or carries on (audit.*).
RECORDS = (
    "run_history",
    "load_lineage",
    "dbt_node_results",
    "validation_results",
    "validation_findings",
    "field_rejections",
    "model_fingerprints",
)


@dataclass(frozen=True)
class PublishedRun:
    """The published run whose results tonight's run keeps: its id and what it read."""

    run_id: str
    started_at: datetime
    files: int  # source files (the user's and the bundled rulings)
    reference_files: int


def expected_loads(sources: Path, options: ParseOptions) -> set[tuple[str, str, str, str]]:
    """(raw table, file, sha256, ingest code version) of every file tonight's ingest would
    load: the user's source files (the bundled rulings when there is no rulings file) and
    every reference file (a replacement in SOURCES/reference/ in place of the bundled one)."""
    expected = set()
    code = ingest_code_version(options)
    for contract in SOURCE_CONTRACTS:
        path = source_path(sources, contract, options)
        if path is None and contract is RULINGS:
            path = BUNDLED_RULINGS
        if path is not None:
            expected.add((contract.raw_table, str(path), sha256_of(path), code))
    override = sources / "reference"
    reference_code = ingest_code_version()
    for ref in REFERENCE_FILES:
        path = ref.resolve(override if override.is_dir() else None)
        expected.add((ref.raw_table, str(path), sha256_of(path), reference_code))
    return expected


def unchanged_since_published(
    published: Path, sources: Path, options: ParseOptions, today: datetime | None = None
) -> PublishedRun | None:
    """The published run when tonight's inputs are all the ones it read (same files at the
    same paths, byte for byte, read by the same ingest code with the same options) and it
    started on ``today``'s UTC date; None otherwise (or when its records do not show it).
    Code versions are the caller's to compare."""
    import duckdb

    if not published.is_file():
        return None
    try:
        expected = expected_loads(sources.resolve(), options)
    except (ContractError, OSError):
        return None  # the ordinary path says why, in its own words
    con = duckdb.connect(str(published), read_only=True)
    try:
        if not set(RECORDS) <= schema_tables(con):
            return None
        latest = con.execute(
            "select run_id, started_at from audit.run_history order by run_id desc limit 1"
        ).fetchone()
        if latest is None:
            return None
        run_id, started_at = latest
        if "code_version" not in table_columns(con, "load_lineage"):
            return None
        lineage = con.execute(
            "select raw_table, source_file, sha256, code_version, run_id, dataset from audit.load_lineage"
        ).fetchall()
        recorded = con.execute(
            "select count(*) from audit.dbt_node_results where run_id = ?", [run_id]
        ).fetchone()[0]
    finally:
        con.close()
    # the lineage is the last ingest's: the published run's, or (after a night with
    # nothing new, which loads nothing) the run whose results that night kept
    if not recorded or len({row[4] for row in lineage}) != 1:
        return None
    if {row[:4] for row in lineage} != expected or len(lineage) != len(expected):
        return None
    # every file is one the published build loaded, by loading's own rule
    previous = {
        (table, sha): {
            "raw_table": table,
            "source_file": path,
            "sha256": sha,
            "code_version": code,
            "encoding": None,
            "rows_in": 0,
            "rows_loaded": 0,
            "rows_quarantined": 0,
        }
        for table, path, sha, code, _, _ in lineage
    }
    for table, path, sha, code in expected:
        kept = unchanged_file(previous, table, Path(path), code, sha)
        if kept is None or kept.previous_path != path:
            return None
    today = today or datetime.now(UTC)
    # the day the models read is the UTC date of the run id (hsguard_run_date(),
    # macros/reports.sql), not the machine's local date
    if started_at is None or started_at.astimezone(UTC).date() != today.astimezone(UTC).date():
        return None
    return PublishedRun(
        run_id,
        started_at,
        files=sum(1 for row in lineage if row[5] is None),
        reference_files=sum(1 for row in lineage if row[5] is not None),
    )
