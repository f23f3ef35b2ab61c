"""Ingest: read the user's sources and the bundled reference data, load ``raw.*`` with lineage.

No Prefect here: ``flows/ingest.py`` wraps these functions in tasks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from hsguard.contracts import OVERRIDES, PRODUCTS, RULINGS, SHIPMENTS, SOURCE_CONTRACTS, FileContract
from hsguard.paths import REFERENCE_DIR
from hsguard.reference import ATLAS_ID_PREFIX, REFERENCE_FILES, parse_atlas_rulings
from hsguard.sources import ROW_NUMBER, ContractError, LoadedFile, confined, read_contract_file, sha256_of
from hsguard.warehouse import write_table

BUNDLED_RULINGS = REFERENCE_DIR / "rulings" / "atlas_cross_rulings_validation.jsonl"

QUARANTINE_SCHEMA = {
    "run_id": pl.Utf8,
    "source_file": pl.Utf8,
    "row_number": pl.Int64,
    "columns": pl.Utf8,
    "reason": pl.Utf8,
    "raw_row": pl.Utf8,
    "quarantined_at": pl.Datetime("us", "UTC"),
}


@dataclass
class SourceBundle:
    """The user's source files, read and checked against their contracts (not yet loaded)."""

    directory: Path
    files: dict[str, LoadedFile] = field(default_factory=dict)

    @property
    def rows_in(self) -> int:
        return sum(f.rows_in for f in self.files.values())

    @property
    def rows_loaded(self) -> int:
        return sum(f.good.height for f in self.files.values())

    @property
    def rows_quarantined(self) -> int:
        return sum(f.quarantine.height for f in self.files.values())


def find_source(directory: Path, file_name: str) -> Path | None:
    """``file_name`` in ``directory``, matched case-insensitively (ERP exports vary);
    a link pointing out of ``directory`` is refused (ContractError)."""
    exact = directory / file_name
    if exact.is_file():
        return confined(exact, directory, file_name)
    for entry in directory.iterdir():
        if entry.is_file() and entry.name.lower() == file_name:
            return confined(entry, directory, file_name)
    return None


def read_sources(directory: Path) -> SourceBundle:
    """Read every source file of the input contract; raise ContractError before any write."""
    if not directory.is_dir():
        raise ContractError(f"sources directory not found: {directory}")
    bundle = SourceBundle(directory)
    for contract in SOURCE_CONTRACTS:
        path = find_source(directory, contract.file_name)
        if path is None:
            if contract.required_file:
                raise ContractError(f"{contract.file_name}: required file not found in {directory}")
            continue
        bundle.files[contract.file_name] = read_contract_file(path, contract)
    return bundle


def _with_lineage(
    frame: pl.DataFrame, path: Path, sha256: str, run_id: str, loaded_at: datetime
) -> pl.DataFrame:
    return frame.with_columns(
        pl.lit(str(path)).alias("_source_file"),
        pl.lit(sha256).alias("_source_sha256"),
        pl.lit(loaded_at).cast(pl.Datetime("us", "UTC")).alias("_loaded_at"),
        pl.lit(run_id).alias("_run_id"),
    )


def _empty(contract: FileContract) -> pl.DataFrame:
    schema = {name: pl.Utf8 for name in contract.column_names} | {ROW_NUMBER: pl.Int64}
    return pl.DataFrame(schema=schema)


def load_sources(
    con: duckdb.DuckDBPyConnection, bundle: SourceBundle, run_id: str, loaded_at: datetime
) -> list[dict]:
    """Load good rows into ``raw.*`` and bad rows into ``audit.quarantine``; return lineage rows."""
    lineage = []
    quarantine_frames = []
    for contract in (PRODUCTS, SHIPMENTS, RULINGS, OVERRIDES):
        loaded = bundle.files.get(contract.file_name)
        if loaded is not None:
            frame = _with_lineage(loaded.good, loaded.path, loaded.sha256, run_id, loaded_at)
            quarantine_frames.append(loaded.quarantine)
            lineage.append(
                _lineage_row(
                    run_id,
                    contract.raw_table,
                    loaded.path,
                    loaded.sha256,
                    loaded.rows_in,
                    loaded.good.height,
                    loaded.quarantine.height,
                    loaded_at,
                    loaded.encoding,
                )
            )
        elif contract is RULINGS:
            frame = parse_atlas_rulings(BUNDLED_RULINGS)
            sha = sha256_of(BUNDLED_RULINGS)
            frame = _with_lineage(frame, BUNDLED_RULINGS, sha, run_id, loaded_at)
            lineage.append(
                _lineage_row(
                    run_id,
                    contract.raw_table,
                    BUNDLED_RULINGS,
                    sha,
                    frame.height,
                    frame.height,
                    0,
                    loaded_at,
                    "utf-8",
                )
            )
        else:
            frame = _with_lineage(_empty(contract), Path("(absent)"), "", run_id, loaded_at)
        write_table(con, "raw", contract.raw_table, frame)

    quarantine = (
        pl.concat(quarantine_frames, how="vertical_relaxed")
        if quarantine_frames
        else pl.DataFrame(
            schema={k: v for k, v in QUARANTINE_SCHEMA.items() if k not in ("run_id", "quarantined_at")}
        )
    )
    quarantine = quarantine.with_columns(
        pl.lit(run_id).alias("run_id"),
        pl.lit(loaded_at).cast(pl.Datetime("us", "UTC")).alias("quarantined_at"),
    ).select(list(QUARANTINE_SCHEMA))
    write_table(con, "audit", "quarantine", quarantine)
    return lineage


def load_reference(
    con: duckdb.DuckDBPyConnection, override_dir: Path | None, run_id: str, loaded_at: datetime
) -> list[dict]:
    """Parse each bundled (or user-replaced) reference file and load its raw table."""
    by_table: dict[str, list[pl.DataFrame]] = {}
    lineage = []
    for ref in REFERENCE_FILES:
        path = ref.resolve(override_dir)
        frame = ref.parse(path)
        sha = sha256_of(path)
        by_table.setdefault(ref.raw_table, []).append(_with_lineage(frame, path, sha, run_id, loaded_at))
        lineage.append(
            _lineage_row(
                run_id,
                ref.raw_table,
                path,
                sha,
                frame.height,
                frame.height,
                0,
                loaded_at,
                "utf-8",
                dataset=ref.dataset,
                edition=ref.edition,
            )
        )
    for table, frames in by_table.items():
        write_table(con, "raw", table, pl.concat(frames, how="vertical_relaxed"))
    return lineage


def _lineage_row(
    run_id,
    table,
    path,
    sha,
    rows_in,
    rows_loaded,
    rows_quarantined,
    loaded_at,
    encoding,
    dataset=None,
    edition=None,
) -> dict:
    return {
        "run_id": run_id,
        "raw_table": table,
        "source_file": str(path),
        "sha256": sha,
        "encoding": encoding,
        "dataset": dataset,
        "edition": edition,
        "rows_in": rows_in,
        "rows_loaded": rows_loaded,
        "rows_quarantined": rows_quarantined,
        "loaded_at": loaded_at,
    }


CARRIED_AUDIT_TABLES = ("run_history", "flag_history", "dbt_node_results")
"""``audit.*`` tables that accumulate across runs: each build starts from the published copy."""


def carry_history(con: duckdb.DuckDBPyConnection, published: Path) -> int:
    """Copy ``audit.run_history`` and ``audit.flag_history`` from the published warehouse into the build.

    The published file is attached read-only. Returns the number of runs carried.
    """
    con.execute("create schema if not exists audit")
    if not published.exists():
        return 0
    # ATTACH takes no bind parameters: the path is quoted as a SQL string literal.
    literal = "'" + str(published).replace("'", "''") + "'"
    con.execute(f"attach {literal} as previous (read_only)")
    try:
        present = {
            row[0]
            for row in con.execute(
                "select table_name from duckdb_tables() where database_name = 'previous' "
                "and schema_name = 'audit'"
            ).fetchall()
        }
        for table in CARRIED_AUDIT_TABLES:  # names from code, never from input
            if table in present:
                con.execute(
                    f"create or replace table audit.{table} as select * from previous.audit.{table}"  # noqa: S608
                )
        if "run_history" not in present:
            return 0
        return con.execute("select count(*) from audit.run_history").fetchone()[0]
    finally:
        con.execute("detach previous")


__all__ = [
    "ATLAS_ID_PREFIX",
    "ContractError",
    "SourceBundle",
    "carry_history",
    "load_reference",
    "load_sources",
    "read_sources",
]
