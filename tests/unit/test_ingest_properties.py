"""Property: no source folder can crash ingest. Whatever the rows hold, every file is
loaded or refused with a one-line reason naming it; rows in = rows loaded + rows
quarantined for every file; typed raw columns hold only values of their type (so dbt
never meets user text it would have to cast); and every nulled field is recorded."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings

from hsguard.loading import load_sources, read_sources
from hsguard.sources import KIND_TYPES, ContractError
from tests.hostile_sources import CONTRACTS, source_folders, write_folder

DUCKDB_TYPES = {
    "text": "VARCHAR",
    "country": "VARCHAR",
    "number": "DOUBLE",
    "integer": "BIGINT",
    "date": "DATE",
}


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(folder=source_folders())
def test_no_source_folder_crashes_ingest(folder):
    with tempfile.TemporaryDirectory() as tmp:
        sources = Path(tmp) / "sources"
        write_folder(sources, folder)
        try:
            bundle = read_sources(sources)
        except ContractError as exc:  # a refused file: one line, naming the file
            message = str(exc)
            assert "\n" not in message and message.split(":")[0] in CONTRACTS
            return
        con = duckdb.connect(str(Path(tmp) / "build.duckdb"))
        try:
            lineage = load_sources(con, bundle, "run", datetime.now(UTC))
            for row in lineage:
                assert row["rows_in"] == row["rows_loaded"] + row["rows_quarantined"], row
            for name, loaded in bundle.files.items():
                assert loaded.rows_in == len(folder[name])
                contract = CONTRACTS[name]
                types = dict(
                    con.execute(
                        "select column_name, data_type from duckdb_columns() "
                        "where schema_name = 'raw' and table_name = ?",
                        [contract.raw_table],
                    ).fetchall()
                )
                for column in contract.columns:
                    expected = "TIMESTAMP" if column.kind == "timestamp" else DUCKDB_TYPES[column.kind]
                    assert types[column.name] == expected, (name, column.name, types[column.name])
                    assert KIND_TYPES[column.kind] is not None
            nulled = con.execute("select count(*) from audit.field_rejections").fetchone()[0]
            assert nulled == sum(f.rejections.height for f in bundle.files.values())
            quarantined = con.execute("select count(*) from audit.quarantine").fetchone()[0]
            assert quarantined == bundle.rows_quarantined
        finally:
            con.close()
