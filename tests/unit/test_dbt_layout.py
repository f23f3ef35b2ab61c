"""The dbt project's layout, checked on dbt's own parse of it (dbt-project-evaluator's
rules, by hand: no hub packages here): sources per system, a models YAML per folder,
docs and a primary-key test on every model, sources read by staging models only."""

from __future__ import annotations

import json
from pathlib import PurePosixPath

import pytest

from hsguard.dbt import invoke_dbt

#: The tests that make a primary key: unique and not_null on one column, or a unique
#: combination of columns (tests/dbt/generic/unique_combination.sql).
COMBINATION_TESTS = {"unique_combination"}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    work = tmp_path_factory.mktemp("dbt_parse")
    result = invoke_dbt(["parse"], work / "parse.duckdb", work)
    assert result.success, result.exception
    return json.loads((work / "dbt_target" / "manifest.json").read_text(encoding="utf-8"))


def models(manifest: dict) -> list[dict]:
    return [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]


def test_every_model_has_a_primary_key_test(manifest):
    tests: dict[str, list[tuple[str, str | None]]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "test" and node.get("test_metadata") and node.get("attached_node"):
            meta = node["test_metadata"]
            tests.setdefault(node["attached_node"], []).append(
                (meta["name"], meta.get("kwargs", {}).get("column_name"))
            )
    missing = []
    for model in models(manifest):
        found = tests.get(model["unique_id"], [])
        unique = {column for name, column in found if name == "unique"}
        not_null = {column for name, column in found if name == "not_null"}
        if not (unique & not_null) and not any(name in COMBINATION_TESTS for name, _ in found):
            missing.append(model["original_file_path"])
    assert missing == []


def test_every_model_is_documented_in_its_folders_models_yaml(manifest):
    misplaced = []
    for model in models(manifest):
        folder = PurePosixPath(model["original_file_path"]).parent
        expected = f"hsguard://{folder}/_{folder.name}__models.yml"
        if model.get("patch_path") != expected or not model.get("description"):
            misplaced.append((model["name"], model.get("patch_path")))
    assert misplaced == []


def test_sources_are_declared_once_per_system_beside_its_staging_models(manifest):
    files = {(s["source_name"], s["original_file_path"]) for s in manifest["sources"].values()}
    assert {path for _, path in files} == {f"models/staging/{name}/_{name}__sources.yml" for name, _ in files}
    assert {name for name, _ in files} >= {"erp", "hs", "hts", "cn", "ccl", "rulings", "audit"}


def test_only_staging_models_read_sources(manifest):
    readers = [
        (model["name"], parent)
        for model in models(manifest)
        for parent in model["depends_on"]["nodes"]
        if parent.startswith("source.") and not model["original_file_path"].startswith("models/staging/")
    ]
    assert readers == []


def test_every_model_that_reads_the_run_id_is_known_to_read_it(manifest):
    """hsguard.dbt.RUN_ID_READERS finds, in a model's own SQL, what reads the run id: a rerun
    builds such a view again (else it would keep the last run's id or day). Every model
    whose macros read HSGUARD_RUN_ID, directly or through other macros, must be found."""
    from hsguard.dbt import RUN_ID_READERS

    macros = manifest["macros"]
    reads = {uid for uid, m in macros.items() if 'env_var("HSGUARD_RUN_ID"' in m["macro_sql"]}
    while True:
        more = {
            uid for uid, m in macros.items() if uid not in reads and reads & set(m["depends_on"]["macros"])
        }
        if not more:
            break
        reads |= more
    readers = [
        n["name"]
        for n in models(manifest)
        if reads & set(n["depends_on"]["macros"]) or 'env_var("HSGUARD_RUN_ID"' in n["raw_code"]
    ]
    assert "int_flags_classification_stale" in readers and "rpt_reference_data" in readers
    missed = [
        n["name"]
        for n in models(manifest)
        if n["name"] in readers and not any(reader in n["raw_code"] for reader in RUN_ID_READERS)
    ]
    assert not missed, f"models reading the run id that RUN_ID_READERS does not find: {missed}"
