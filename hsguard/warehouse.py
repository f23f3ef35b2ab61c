"""The warehouse file's life cycle: run lock, private build copy, atomic publish, clean-up.

A run never writes the published file. It builds a new DuckDB file in a private
build directory beside it (same file name, so DuckDB's catalog name and every view
stay valid), starting as a copy of the published file when there is one (so that what
did not change is kept), and only a finished, validated build replaces the published
file with an atomic ``os.replace``. Readers holding the old file keep reading the old
version; a run that fails or is killed leaves the published file untouched, and its
leftovers are removed by the next run.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

BUILD_PREFIX = ".hsguard-build-"


class RunLockedError(Exception):
    """Another hsguard run holds the warehouse's run lock."""


@dataclass(frozen=True)
class WarehousePaths:
    published: Path

    @property
    def directory(self) -> Path:
        return self.published.parent

    @property
    def lock_file(self) -> Path:
        return self.directory / f".{self.published.name}.lock"

    @property
    def dbt_state_dir(self) -> Path:
        """dbt's saved parse of the last successful build (kept between runs, so dbt
        re-parses only the files that changed). Deleting it costs one full parse."""
        return self.directory / f".{self.published.name}.dbt-state"

    def build_dir(self, run_id: str) -> Path:
        return self.directory / f"{BUILD_PREFIX}{run_id}"

    def build_file(self, run_id: str) -> Path:
        return self.build_dir(run_id) / self.published.name


@contextmanager
def run_lock(paths: WarehousePaths):
    """Hold an exclusive, non-blocking lock on the warehouse for the whole run.

    The kernel releases it when the process dies, so a killed run never leaves a stale lock.
    """
    paths.directory.mkdir(parents=True, exist_ok=True)
    handle = paths.lock_file.open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise RunLockedError(
            f"another hsguard run is already using {paths.published} ({holder}); wait for it to finish"
        ) from None
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def remove_leftovers(paths: WarehousePaths) -> list[Path]:
    """Delete build directories left by runs that failed or were killed (call under the lock)."""
    removed = []
    if paths.directory.is_dir():
        for entry in paths.directory.glob(f"{BUILD_PREFIX}*"):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def start_build(paths: WarehousePaths, run_id: str, from_published: bool = True) -> bool:
    """Create the run's build file: a copy of the published warehouse when there is one and
    ``from_published`` (the nightly flow asks for it when the published warehouse was
    built by the same dbt code, so that what did not change is kept instead of being
    loaded or computed again); else nothing (the run starts from an empty file: after a
    code change no table could be kept, and the new file is compact). Returns whether
    the build is a copy. The published file is only read."""
    build = paths.build_file(run_id)
    build.parent.mkdir(parents=True, exist_ok=True)
    if not (from_published and paths.published.is_file()):
        return False
    partial = build.with_name(build.name + ".copying")
    shutil.copyfile(paths.published, partial)
    os.replace(partial, build)
    return True


def publish(paths: WarehousePaths, run_id: str) -> None:
    """Atomically replace the published warehouse with the finished build."""
    build = paths.build_file(run_id)
    stale_wal = paths.published.with_name(paths.published.name + ".wal")
    if stale_wal.exists():  # a WAL of the old file must never be replayed onto the new one
        stale_wal.unlink()
    if build.with_name(build.name + ".wal").exists():
        raise RuntimeError(f"build {build} was not checkpointed; refusing to publish")
    os.replace(build, paths.published)
    shutil.rmtree(paths.build_dir(run_id), ignore_errors=True)


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(path), read_only=read_only)


def schema_tables(con: duckdb.DuckDBPyConnection, schema: str = "audit") -> set[str]:
    """Names of the tables in ``schema`` of the warehouse ``con`` is connected to."""
    return {
        row[0]
        for row in con.execute(
            "select table_name from duckdb_tables() where schema_name = ?", [schema]
        ).fetchall()
    }


def table_columns(con: duckdb.DuckDBPyConnection, table: str, schema: str = "audit") -> set[str]:
    """Column names of ``schema.table`` (empty when there is no such table)."""
    return {
        row[0]
        for row in con.execute(
            "select column_name from duckdb_columns() where schema_name = ? and table_name = ?",
            [schema, table],
        ).fetchall()
    }


def write_table(
    con: duckdb.DuckDBPyConnection, schema: str, table: str, frame: pl.DataFrame, replace: bool = True
) -> None:
    """Create (or append to) ``schema.table`` from a Polars frame. Names come from code, not input."""
    if not (schema.isidentifier() and table.isidentifier()):
        raise ValueError(f"unsafe identifier {schema}.{table}")
    con.execute(f"create schema if not exists {schema}")
    con.register("_incoming", frame.to_arrow())
    try:
        if replace:
            con.execute(f"create or replace table {schema}.{table} as select * from _incoming")  # noqa: S608 - names checked above
        else:
            exists = con.execute(
                "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                [schema, table],
            ).fetchone()[0]
            if exists:
                con.execute(f"insert into {schema}.{table} by name select * from _incoming")  # noqa: S608 - names checked above
            else:
                con.execute(f"create table {schema}.{table} as select * from _incoming")  # noqa: S608 - names checked above
    finally:
        con.unregister("_incoming")
