"""The one Python copy of a code rule, hsguard.codes.strip_separators (the sample
generator and ``hsguard suggest`` use it), must agree with the dbt macro every check
uses (macros/codes.sql): compiled by dbt and run by DuckDB on a few hundred generated
and real-looking inputs. The ECCN normaliser has no Python copy; its dbt unit test is
eccn_normalised_and_classified."""

from __future__ import annotations

import random

import duckdb
import pytest

from hsguard.codes import strip_separators
from hsguard.dbt import invoke_dbt

pytestmark = pytest.mark.integration

ALPHABET = "0123456789" * 3 + ".- \t\n\r\f\v" + "OoIlAaEeXx" + "\u00a0\u2013\u0663\uff10é"
REAL = [
    "0101.21.0010",
    "0101210010",
    "0101.21.00.10",
    "0101 21 0010",
    "0101-21-0010",
    " 8471.30.0100 ",
    "101210000",
    "O101.21.0010",
    "8471.3O.0100",
    "6110.20.2067\t",
    "",
    "5A002",
    "5a002 a.1",
    "5A002.a.1",
    "ear 99",
    "EAR99",
    "EAR-99X",
    "5X002",
    "A5002",
    "5A002/a",
    "3a001 b 2",
    " 5A992.c ",
    "5A992 C",
    "0Y521",
    "9A610.x",
    "ear99 ",
    "E A R 9 9",
]


def inputs() -> list[str]:
    rng = random.Random(20261123)
    generated = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 14))) for _ in range(400)]
    return REAL + generated


def test_python_and_sql_normalisers_agree(tmp_path):
    values = inputs()
    sql = (
        "select raw, {{ hsguard.strip_code_separators('raw') }} as stripped, "
        "{{ hsguard.is_all_digits(hsguard.strip_code_separators('raw')) }} as all_digits "
        "from raw_values"
    )
    result = invoke_dbt(["compile", "--inline", sql], tmp_path / "parity.duckdb", tmp_path)
    assert result.success, result.exception
    compiled = result.result.results[0].node.compiled_code
    con = duckdb.connect()
    con.execute("create table raw_values (position integer, raw varchar)")
    con.executemany("insert into raw_values values (?, ?)", list(enumerate(values)))
    rows = con.execute(f"select * from ({compiled}) order by raw").fetchall()  # noqa: S608 - compiled macro
    assert len(rows) == len(values)
    mismatches = []
    for raw, stripped, all_digits in rows:
        py_stripped = strip_separators(raw)
        py_digits = py_stripped.isascii() and py_stripped.isdigit() if py_stripped else None
        if stripped != py_stripped:
            mismatches.append(("strip", raw, stripped, py_stripped))
        if py_stripped and bool(all_digits) != py_digits:
            mismatches.append(("digits", raw, all_digits, py_digits))
    assert not mismatches, mismatches[:10]
