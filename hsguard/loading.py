"""Ingest: read the user's sources and the bundled reference data, load ``raw.*`` with lineage.

No Prefect here: ``flows/ingest.py`` wraps these functions in tasks.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

import duckdb
import polars as pl

from hsguard.contracts import (
    DEFAULT_MAX_QUARANTINE_SHARE,
    OVERRIDES,
    PRODUCTS,
    RULINGS,
    SCREENING_OVERRIDES,
    SHIPMENTS,
    SOURCE_CONTRACTS,
    FileContract,
)
from hsguard.paths import REFERENCE_DIR
from hsguard.reference import ATLAS_ID_PREFIX, REFERENCE_FILES, parse_atlas_rulings
from hsguard.sources import (
    DEFAULT_OPTIONS,
    REJECTION_SCHEMA,
    ROW_NUMBER,
    ContractError,
    LoadedFile,
    ParseOptions,
    confined,
    contract_schema,
    read_contract_file,
    sha256_of,
)
from hsguard.warehouse import table_columns, write_table

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

FIELD_REJECTION_SCHEMA = {
    "run_id": pl.Utf8,
    "raw_table": pl.Utf8,
    "source_file": pl.Utf8,
    "row_number": pl.Int64,
    "column_name": pl.Utf8,
    "value": pl.Utf8,
    "reason": pl.Utf8,
    "rejected_at": pl.Datetime("us", "UTC"),
}
"""audit.field_rejections: one row per bad value in a kept row (the field was nulled)."""


#: The modules that decide what a file loads as (contracts, reading, parsing).
INGEST_MODULES = ("contracts.py", "sources.py", "loading.py", "reference.py", "mapping.py")


def ingest_code_version(options: ParseOptions = DEFAULT_OPTIONS) -> str:
    """sha256 of the ingest code, the parse options and the Polars and DuckDB versions: a
    raw table is kept from the published build only when the same code read the same file
    the same way."""
    digest = hashlib.sha256(options.fingerprint().encode())
    here = Path(__file__).resolve().parent
    for name in INGEST_MODULES:
        digest.update(name.encode() + b"\0" + hashlib.sha256((here / name).read_bytes()).digest())
    for package in ("polars", "duckdb"):
        digest.update(f"{package}=={version(package)}\0".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class KeptFile:
    """A file that is byte for byte one the published build loaded into the same raw
    table (same sha256, same ingest code; it may have moved, e.g. to tonight's export
    folder): its raw rows and quarantined rows are kept from the build, which starts as a
    copy of the published warehouse, instead of being read again."""

    path: Path
    previous_path: str  # where the published build read it (lineage is set to ``path``)
    sha256: str
    encoding: str
    rows_in: int
    rows_loaded: int
    rows_quarantined: int


LINEAGE_SCHEMA = {"code_version": pl.Utf8, "kept": pl.Boolean, "dataset": pl.Utf8, "edition": pl.Utf8}
"""Types of the audit.load_lineage columns that may be null in every row."""

PreviousLoads = dict[tuple[str, str], dict]
"""(raw table, sha256) -> that file's audit.load_lineage row in the build's copy."""


def previous_loads(con: duckdb.DuckDBPyConnection) -> PreviousLoads:
    """What the published build loaded, from the lineage in the build's copy of it
    (empty for a new build, or one written before lineage had a code version)."""
    if "code_version" not in table_columns(con, "load_lineage"):
        return {}
    rows = con.execute(
        "select raw_table, source_file, sha256, code_version, encoding, rows_in, rows_loaded, "
        "rows_quarantined from audit.load_lineage"
    ).fetchall()
    names = ("raw_table", "source_file", "sha256", "code_version", "encoding", "rows_in", "rows_loaded")
    return {(r[0], r[2]): dict(zip((*names, "rows_quarantined"), r, strict=True)) for r in rows}


def unchanged_file(
    previous: PreviousLoads, raw_table: str, path: Path, code: str, sha256: str | None = None
) -> KeptFile | None:
    """The KeptFile for ``path`` when the published build loaded a file with the same
    bytes into ``raw_table`` with this code, else None."""
    row = previous.get((raw_table, sha256 or sha256_of(path)))
    if row is None or row["code_version"] != code:
        return None
    return KeptFile(
        path,
        row["source_file"],
        row["sha256"],
        row["encoding"],
        row["rows_in"],
        row["rows_loaded"],
        row["rows_quarantined"],
    )


@dataclass
class SourceBundle:
    """The user's source files, read and checked against their contracts (not yet loaded),
    and those unchanged since the published build (kept, not read)."""

    directory: Path
    files: dict[str, LoadedFile] = field(default_factory=dict)
    kept: dict[str, KeptFile] = field(default_factory=dict)
    options: ParseOptions = DEFAULT_OPTIONS

    @property
    def rows_in(self) -> int:
        return sum(f.rows_in for f in self.files.values()) + sum(k.rows_in for k in self.kept.values())

    @property
    def rows_loaded(self) -> int:
        return sum(f.good.height for f in self.files.values()) + sum(
            k.rows_loaded for k in self.kept.values()
        )

    @property
    def rows_quarantined(self) -> int:
        return sum(f.quarantine.height for f in self.files.values()) + sum(
            k.rows_quarantined for k in self.kept.values()
        )

    @property
    def fields_rejected(self) -> int:
        """Bad values nulled in rows that were kept (files read tonight)."""
        return sum(f.rejections.height for f in self.files.values())


def find_source(directory: Path, file_name: str) -> Path | None:
    """``file_name`` in ``directory``, matched case-insensitively (ERP exports vary);
    a link pointing out of ``directory`` is refused (ContractError)."""
    exact = directory / file_name
    if exact.is_file():
        return confined(exact, directory, file_name)
    for entry in directory.iterdir():
        if entry.is_file() and entry.name.lower() == file_name.lower():
            return confined(entry, directory, file_name)
    return None


def source_path(
    directory: Path, contract: FileContract, options: ParseOptions = DEFAULT_OPTIONS
) -> Path | None:
    """The file of ``directory`` that holds ``contract``'s rows (its name, or the export's
    name given in the column mapping), or None for an optional file that is absent;
    raise ContractError when a required file is absent."""
    name = options.export_name(contract.file_name)
    path = find_source(directory, name)
    if path is None and contract.required_file:
        shown = contract.file_name if name == contract.file_name else f"{name} ({contract.file_name})"
        raise ContractError(f"{shown}: required file not found in {directory}")
    return path


def read_sources(
    directory: Path, previous: PreviousLoads | None = None, options: ParseOptions = DEFAULT_OPTIONS
) -> SourceBundle:
    """Read every source file of the input contract; raise ContractError before any write.
    A file the published build loaded byte for byte (``previous``) is kept, not read."""
    if not directory.is_dir():
        raise ContractError(f"sources directory not found: {directory}")
    bundle = SourceBundle(directory, options=options)
    code = ingest_code_version(options)
    for contract in SOURCE_CONTRACTS:
        path = source_path(directory, contract, options)
        if path is None:
            continue
        kept = unchanged_file(previous or {}, contract.raw_table, path, code)
        if kept is not None:
            bundle.kept[contract.file_name] = kept
        else:
            bundle.files[contract.file_name] = read_contract_file(path, contract, options)
    return bundle


def refusal(bundle: SourceBundle, max_share: float = DEFAULT_MAX_QUARANTINE_SHARE) -> str | None:
    """Why these sources must not be published, in one line, or None. A product master
    without a single product row, or a products or shipments file with more than
    ``max_share`` of its rows quarantined whole, would publish a warehouse that says
    little or nothing is wrong because little or nothing was read."""
    products = bundle.files.get(PRODUCTS.file_name)
    if products is not None and products.rows_in == 0:
        return f"{products.path.name}: no product rows (only a header); nothing to audit"
    for name, loaded in bundle.files.items():
        contract = next(c for c in SOURCE_CONTRACTS if c.file_name == name)
        if not contract.guards_publish or loaded.rows_in == 0:
            continue
        if loaded.quarantine.height / loaded.rows_in <= max_share:
            continue
        row_level = [c.name for c in contract.columns if c.not_empty] + (
            [contract.line_key[1]] if contract.line_key else []
        )
        reasons = (
            loaded.quarantine.select(pl.col("reason").str.split("; ").explode())
            .filter(pl.col("reason").str.extract(r"^([^:]+):").is_in(row_level))
            .select(
                pl.when(pl.col("reason").str.contains("is already on row"))
                .then(pl.col("reason").str.extract(r"^([^:]+)") + ": repeats an earlier row")
                .otherwise(pl.col("reason").str.extract(r"^([^:]+:[^:]+)"))
                .alias("reason")
            )
            .group_by("reason")
            .len()
            .sort(["len", "reason"], descending=[True, False])
            .head(3)
            .rows()
        )
        top = ", ".join(f"{reason} ({count})" for reason, count in reasons)
        return (
            f"{name}: {loaded.quarantine.height} of {loaded.rows_in} rows "
            f"({loaded.quarantine.height / loaded.rows_in:.0%}) would be quarantined, more than "
            f"{max_share:.0%}; top reasons: {top}"
        )
    return None


def keep_raw_table(
    con: duckdb.DuckDBPyConnection, table: str, kept: list[KeptFile], run_id: str, loaded_at: datetime
) -> None:
    """Keep ``raw.<table>`` of the build's copy of the published warehouse: only its
    lineage changes, to this run and to where each file is now (the table name comes
    from code, never from input)."""
    if not table.isidentifier():
        raise ValueError(f"unsafe identifier raw.{table}")
    for file in kept:
        if file.previous_path != str(file.path):
            con.execute(
                f"update raw.{table} set _source_file = ? where _source_file = ?",  # noqa: S608
                [str(file.path), file.previous_path],
            )
    con.execute(f"update raw.{table} set _run_id = ?, _loaded_at = ?", [run_id, loaded_at])  # noqa: S608


def kept_quarantine(con: duckdb.DuckDBPyConnection, kept: KeptFile) -> pl.DataFrame:
    """The published build's quarantined rows of a kept file, under its current path."""
    return con.execute(
        "select ? as source_file, row_number, columns, reason, raw_row from audit.quarantine "
        "where source_file = ? order by row_number",
        [str(kept.path), kept.previous_path],
    ).pl()


def kept_rejections(con: duckdb.DuckDBPyConnection, kept: KeptFile) -> pl.DataFrame:
    """The published build's field rejections of a kept file, under its current path
    (none when the published build predates audit.field_rejections)."""
    present = con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() "
        "and schema_name = 'audit' and table_name = 'field_rejections'"
    ).fetchone()[0]
    if not present:
        return pl.DataFrame(schema=REJECTION_SCHEMA)
    return con.execute(
        "select ? as source_file, row_number, column_name, value, reason from audit.field_rejections "
        "where source_file = ? order by row_number, column_name",
        [str(kept.path), kept.previous_path],
    ).pl()


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
    return pl.DataFrame(schema=contract_schema(contract))


def load_sources(
    con: duckdb.DuckDBPyConnection,
    bundle: SourceBundle,
    run_id: str,
    loaded_at: datetime,
    previous: PreviousLoads | None = None,
) -> list[dict]:
    """Load good rows into ``raw.*`` and bad rows into ``audit.quarantine``; return lineage
    rows. Files kept from the published build (``bundle.kept``, and the bundled rulings
    when ``previous`` shows them unchanged) keep their rows and quarantined rows."""
    lineage = []
    quarantine_frames = []
    rejection_frames = []
    code = ingest_code_version(bundle.options)
    for contract in (PRODUCTS, SHIPMENTS, RULINGS, OVERRIDES, SCREENING_OVERRIDES):
        loaded = bundle.files.get(contract.file_name)
        kept = bundle.kept.get(contract.file_name)
        if kept is None and loaded is None and contract is RULINGS:  # the bundled rulings
            kept = unchanged_file(previous or {}, contract.raw_table, BUNDLED_RULINGS, code)
        if kept is not None:
            keep_raw_table(con, contract.raw_table, [kept], run_id, loaded_at)
            quarantine_frames.append(kept_quarantine(con, kept))
            rejection_frames.append(
                kept_rejections(con, kept).with_columns(pl.lit(contract.raw_table).alias("raw_table"))
            )
            lineage.append(
                _lineage_row(
                    run_id,
                    contract.raw_table,
                    kept.path,
                    kept.sha256,
                    kept.rows_in,
                    kept.rows_loaded,
                    kept.rows_quarantined,
                    loaded_at,
                    kept.encoding,
                    code=code,
                    kept=True,
                )
            )
            continue
        if loaded is not None:
            frame = _with_lineage(loaded.good, loaded.path, loaded.sha256, run_id, loaded_at)
            quarantine_frames.append(loaded.quarantine)
            rejection_frames.append(
                loaded.rejections.with_columns(pl.lit(contract.raw_table).alias("raw_table"))
            )
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
                    code=code,
                )
            )
        elif contract is RULINGS:
            sha = sha256_of(BUNDLED_RULINGS)
            frame = parse_atlas_rulings(BUNDLED_RULINGS).cast(
                {k: v for k, v in contract_schema(RULINGS).items() if k != ROW_NUMBER}
            )
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
                    code=code,
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
    rejections = pl.concat(
        [pl.DataFrame(schema=REJECTION_SCHEMA | {"raw_table": pl.Utf8}), *rejection_frames],
        how="vertical_relaxed",
    ).with_columns(
        pl.lit(run_id).alias("run_id"),
        pl.lit(loaded_at).cast(pl.Datetime("us", "UTC")).alias("rejected_at"),
    )
    write_table(con, "audit", "field_rejections", rejections.select(list(FIELD_REJECTION_SCHEMA)))
    return lineage


#: What a parser raises on a file of the wrong form (not on a fault of the code).
MALFORMED_FILE_ERRORS = (
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    AttributeError,
    pl.exceptions.PolarsError,
)


def parse_reference(ref, path: Path) -> pl.DataFrame:
    """``ref.parse(path)``. A user's replacement in ``<sources>/reference/`` that does not
    parse is refused with one line naming it; a bundled file that does not parse is a
    defect of hsguard and raises as it is."""
    try:
        return ref.parse(path)
    except MALFORMED_FILE_ERRORS as exc:
        if path.resolve().is_relative_to(REFERENCE_DIR.resolve()):
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ContractError(f"{path.name}: cannot be read as {ref.dataset}: {first}") from exc


def load_reference(
    con: duckdb.DuckDBPyConnection,
    override_dir: Path | None,
    run_id: str,
    loaded_at: datetime,
    previous: PreviousLoads | None = None,
) -> list[dict]:
    """Parse each bundled (or user-replaced) reference file and load its raw table. A raw
    table whose files are all the ones the published build loaded (``previous``) is kept."""
    code = ingest_code_version()
    files: dict[str, list] = {}
    for ref in REFERENCE_FILES:
        path = ref.resolve(override_dir)
        files.setdefault(ref.raw_table, []).append((ref, path, sha256_of(path)))
    lineage = []
    for table, entries in files.items():
        kept = [unchanged_file(previous or {}, table, path, code, sha) for _, path, sha in entries]
        if all(kept):
            keep_raw_table(con, table, kept, run_id, loaded_at)
            heights = [k.rows_loaded for k in kept]
        else:
            frames = [
                _with_lineage(parse_reference(ref, path), path, sha, run_id, loaded_at)
                for ref, path, sha in entries
            ]
            write_table(con, "raw", table, pl.concat(frames, how="vertical_relaxed"))
            heights = [frame.height for frame in frames]
        for (ref, path, sha), height in zip(entries, heights, strict=True):
            lineage.append(
                _lineage_row(
                    run_id,
                    table,
                    path,
                    sha,
                    height,
                    height,
                    0,
                    loaded_at,
                    "utf-8",
                    dataset=ref.dataset,
                    edition=ref.edition,
                    code=code,
                    kept=all(kept),
                )
            )
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
    code=None,
    kept=False,
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
        "code_version": code,
        "kept": kept,
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
    "KeptFile",
    "SourceBundle",
    "carry_history",
    "load_reference",
    "load_sources",
    "read_sources",
]
