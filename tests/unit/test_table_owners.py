"""One writer per table: dbt builds every staging / intermediate / marts / reports
relation; Python writes only ``raw.*`` and ``audit.*``. This reads the Python sources
(the CLI package, the flows, the expectations) for any statement or helper call that
writes into a dbt-owned schema."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DBT_SCHEMAS = r"(?:marts|intermediate|staging|reports|seeds)"
WRITES = re.compile(
    r"(?:insert\s+into|delete\s+from|update|truncate|alter\s+table|drop\s+table(?:\s+if\s+exists)?"
    r"|create\s+(?:or\s+replace\s+)?(?:table|view))\s+\"?" + DBT_SCHEMAS + r"\"?\.",
    re.IGNORECASE,
)
HELPER_WRITES = re.compile(r"write_table\(\s*\w+\s*,\s*[\"']" + DBT_SCHEMAS + r"[\"']")


# The one exception: the fault hook that the test "a failing mart expectation stops the run
# before publishing" switches on (HSGUARD_FAULT=bad_mart_row); it writes into the private
# build, never into a published warehouse, and does nothing in a normal run.
ALLOWED = {"hsguard/faults.py"}


def python_sources() -> list[Path]:
    return [
        p
        for folder in ("hsguard", "flows", "expectations")
        for p in (ROOT / folder).rglob("*.py")
        if str(p.relative_to(ROOT)) not in ALLOWED
    ]


def test_no_python_code_writes_into_a_dbt_model():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in python_sources()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if WRITES.search(line) or HELPER_WRITES.search(line)
    ]
    assert offenders == []


def test_the_scan_finds_a_write_when_there_is_one():
    assert WRITES.search('con.execute("insert into marts.fct_classification_flags by name ...")')
    assert WRITES.search("delete from marts.fct_classification_flags where check_code = 'X'")
    assert HELPER_WRITES.search('write_table(con, "marts", "fct_x", frame)')
    assert not WRITES.search("insert into audit.run_history by name select ...")
