"""dbt's parse is kept between nightly runs: the run id reaches the models as an
environment variable, so a new run re-parses only the files that stamp it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from hsguard.dbt import PARTIAL_PARSE_FILE, RUN_ID_READERS, invoke_dbt, save_partial_parse
from hsguard.paths import PROJECT_ROOT
from hsguard.settings import apply_offline_defaults

pytestmark = pytest.mark.integration

#: The model files that stamp the run id: the only ones a new run id makes dbt parse again.
RUN_ID_MODELS = {
    str(path.relative_to(PROJECT_ROOT))
    for path in (PROJECT_ROOT / "models").rglob("*.sql")
    if any(reader in path.read_text(encoding="utf-8") for reader in RUN_ID_READERS)
}


def parse(tmp_path: Path, name: str, run_id: str, saved: Path) -> str:
    """dbt parse as a nightly build does it: its own build directory, named in the profile
    by the file name only, from that directory (so the profile, part of dbt's parse hash,
    is the same for every build, wherever the warehouse is)."""
    work = tmp_path / name
    build = work / "build"
    build.mkdir(parents=True)
    database = build / "hsguard.duckdb"
    result = invoke_dbt(
        ["parse"], database, work, run_id=run_id, partial_parse_file=saved, relative_profile=True
    )
    assert result.success, result.exception
    save_partial_parse(work / "dbt_target" / PARTIAL_PARSE_FILE, saved)
    return (work / "dbt_logs" / "dbt.log").read_text(encoding="utf-8")


def test_second_run_reparses_only_the_files_that_stamp_the_run_id(tmp_path):
    apply_offline_defaults()
    saved = tmp_path / "state" / PARTIAL_PARSE_FILE
    first = parse(tmp_path, "first", "20261123T020000Z-aaaaaa", saved)
    assert "Starting full parse" in first
    assert saved.is_file()
    # the warehouse copied to another folder (its state folder with it), a new build there
    moved = tmp_path / "elsewhere" / "state"
    shutil.copytree(saved.parent, moved)
    second = parse(tmp_path, "second", "20261124T020000Z-bbbbbb", moved / PARTIAL_PARSE_FILE)
    assert "profile has changed" not in second  # another build directory, the same profile
    assert {
        "models/intermediate/classification/int_flags_unioned.sql",
        "models/marts/compliance/fct_product_risk.sql",
        "models/reports/rpt_kpis.sql",
    } <= RUN_ID_MODELS
    changed = f"Partial parsing enabled: 0 files deleted, 0 files added, {len(RUN_ID_MODELS)} files changed"
    assert changed in second
    updated = set(re.findall(r"Partial parsing: updated file: hsguard://(\S+)", second))
    assert updated == RUN_ID_MODELS


def test_published_run_keeps_dbt_state_beside_the_warehouse(sample_run):
    state = Path(sample_run["warehouse"]).parent / f".{Path(sample_run['warehouse']).name}.dbt-state"
    assert (state / PARTIAL_PARSE_FILE).is_file()
