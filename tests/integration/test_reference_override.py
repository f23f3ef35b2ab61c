"""A reference file of the same name in <sources>/reference/ replaces the bundled one."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pytest

from hsguard.loading import load_reference
from hsguard.paths import REFERENCE_DIR

pytestmark = pytest.mark.integration


def test_a_reference_file_in_the_sources_replaces_the_bundled_one(tmp_path):
    bundled = REFERENCE_DIR / "us_hts" / "hts10_revision_concordance_2025_2026.csv"
    lines = bundled.read_text(encoding="utf-8").splitlines(keepends=True)
    override_dir = tmp_path / "sources" / "reference"
    override_dir.mkdir(parents=True)
    # the user's (say, newer) concordance in the official format: here the first 40 rows
    (override_dir / bundled.name).write_text("".join(lines[:41]), encoding="utf-8")

    con = duckdb.connect()
    lineage = {row["source_file"]: row for row in load_reference(con, override_dir, "t", datetime.now(UTC))}
    replaced = [row for path, row in lineage.items() if path.endswith(bundled.name)]
    assert len(replaced) == 1
    assert str(override_dir) in replaced[0]["source_file"]
    assert (
        replaced[0]["rows_loaded"]
        == con.execute("select count(*) from raw.ref_hts_revision_concordance").fetchone()[0]
    )
    assert 0 < replaced[0]["rows_loaded"] <= 40
    others = [path for path in lineage if not path.endswith(bundled.name)]
    assert others and all(str(override_dir) not in path for path in others)  # the rest stay bundled
    con.close()
