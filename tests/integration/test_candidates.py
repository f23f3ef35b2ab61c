"""Candidate codes: the dbt candidate models on the 200 bundled CBP rulings (leave-one-out) and suggest()."""

from __future__ import annotations

import pytest

from hsguard.candidates import evaluate_candidates, format_candidate_evaluation, suggest
from hsguard.paths import REFERENCE_DIR
from hsguard.reference import parse_hts

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def leave_one_out(tmp_path_factory):
    return evaluate_candidates(None, top_k=5, work_dir=tmp_path_factory.mktemp("loo"))


@pytest.fixture(scope="module")
def suggest_cache_dir(tmp_path_factory):
    """One suggest cache for the HTSUS top-5 tests: the first builds it, the next answer
    from it (the cached path is what a user's every later call takes)."""
    return tmp_path_factory.mktemp("suggest-cache")


@pytest.fixture(scope="module")
def htsus_declarable() -> set[str]:
    lines = parse_hts(REFERENCE_DIR / "us_hts" / "hts_2026_basic.csv", "2026")
    parents = set(lines["parent_code"].drop_nulls().to_list())
    return {
        code + "00" if len(code) == 8 else code
        for code in lines["code"].to_list()
        if code not in parents and len(code) >= 8 and not code.startswith(("98", "99"))
    }


def test_leave_one_out_accuracy_meets_targets(leave_one_out):
    acc = leave_one_out["accuracy"]
    assert leave_one_out["n"] == 200
    assert acc["top1_6"] >= 0.30, format_candidate_evaluation(leave_one_out)
    assert acc["top5_6"] >= 0.50, format_candidate_evaluation(leave_one_out)
    # coarser levels are at least as good as finer ones
    assert acc["top1_2"] >= acc["top1_4"] >= acc["top1_6"] >= acc["top1_10"]
    assert acc["top5_6"] >= acc["top1_6"]


def test_no_ruling_is_evidence_for_itself(leave_one_out):
    candidates = leave_one_out["candidates"]
    assert leave_one_out["self_citations"] == 0
    assert not [c for c in candidates if c["ruling_id"] == c["sku"]]
    assert {c["sku"] for c in candidates} == {c["sku"] for c in candidates if c["rank"] == 1}
    assert min(len(c["evidence"]) for c in candidates) > 40


def test_leave_one_out_is_what_keeps_the_score_honest(tmp_path_factory, leave_one_out):
    """With its own ruling as evidence every ruling would be found: the SQL must exclude it."""
    cheating = evaluate_candidates(
        None, top_k=5, leave_one_out=False, work_dir=tmp_path_factory.mktemp("self")
    )
    assert cheating["self_citations"] > 100
    assert cheating["accuracy"]["top1_6"] > leave_one_out["accuracy"]["top1_6"] + 0.3


def test_calibration_table_and_report(leave_one_out):
    bands = leave_one_out["calibration"]
    assert sum(b["n"] for b in bands) == leave_one_out["n"]
    answered = leave_one_out["answered_accuracy_6"]
    abstained = leave_one_out["abstained_accuracy_6"]
    if answered is not None and abstained is not None:
        assert answered > abstained  # the "needs expert" flag separates weak from strong answers
    text = format_candidate_evaluation(leave_one_out)
    assert "57.5%" in text and "leave-one-out" in text and "| 6 |" in text


def test_suggest_returns_five_ranked_declarable_candidates(htsus_declarable, suggest_cache_dir, monkeypatch):
    monkeypatch.setenv("HSGUARD_SUGGEST_CACHE", str(suggest_cache_dir))
    text = "men's knitted pullover made of 100% cotton with long sleeves"
    rows = suggest(text, scheme="HTSUS", top=5)
    # the second call re-executes the cached product-dependent SQL: the same answer
    assert len(list(suggest_cache_dir.glob("HTSUS-5-*.json"))) == 1
    assert suggest(text, scheme="HTSUS", top=5) == rows
    assert [r["rank"] for r in rows] == [1, 2, 3, 4, 5]
    assert all(r["candidate_code"] in htsus_declarable for r in rows)
    assert rows[0]["candidate_code"].startswith("6110")
    assert rows[0]["score"] >= rows[-1]["score"]
    assert all(r["evidence"] and r["source"] for r in rows)


def test_cli_suggest_prints_ranked_candidates_with_evidence(cli_env, suggest_cache_dir):
    from tests.conftest import run_cli

    env = {**cli_env, "HSGUARD_SUGGEST_CACHE": str(suggest_cache_dir)}
    done = run_cli(env, "suggest", "stainless steel kitchen sink", "--top", "5")
    assert done.returncode == 0, done.stderr
    ranked = [line for line in done.stdout.splitlines() if line[:2] in ("1.", "2.", "3.", "4.", "5.")]
    assert [line[:2] for line in ranked] == ["1.", "2.", "3.", "4.", "5."]
    assert ranked[0].split()[1].startswith("73")  # articles of iron or steel
    assert "Tariff text HTSUS 73" in done.stdout and "confidence" in done.stdout
    assert "START sql" not in done.stdout  # dbt's progress stays out of the answer


def test_cli_suggest_with_a_warehouse_uses_it_and_leaves_it_unchanged(cli_env, sample_run, tmp_path):
    from tests.conftest import run_cli

    warehouse = sample_run["warehouse"]
    before = warehouse.read_bytes()
    done = run_cli(
        {**cli_env, "HSGUARD_SUGGEST_CACHE": str(tmp_path)},
        "suggest",
        "night vision monoculars",
        "--scheme",
        "CN",
        "--warehouse",
        str(warehouse),
    )
    assert done.returncode == 0, done.stderr
    assert "1. 9005" in done.stdout  # binoculars, monoculars, other optical telescopes
    assert warehouse.read_bytes() == before


def test_cli_suggest_refuses_bad_arguments(cli_env):
    from tests.conftest import run_cli

    assert run_cli(cli_env, "suggest", "   ").returncode == 2
    unknown = run_cli(cli_env, "suggest", "steel bolts", "--scheme", "XX")
    assert unknown.returncode == 2 and "unknown scheme" in unknown.stderr


def test_cli_evaluate_candidates_on_a_rulings_csv(cli_env, tmp_path):
    """The CLI on another rulings file in the input contract's format (the sample's first 40)."""
    import polars as pl

    from hsguard.paths import SAMPLE_DIR
    from tests.conftest import run_cli

    rulings = pl.read_csv(SAMPLE_DIR / "rulings.csv", infer_schema=False).head(40)
    path = tmp_path / "rulings.csv"
    rulings.write_csv(path)
    done = run_cli(cli_env, "evaluate-candidates", "--leave-one-out", "--rulings", str(path), "--top", "3")
    assert done.returncode == 0, done.stderr
    assert "Candidate codes on 40 rulings (leave-one-out" in done.stdout
    assert "| 6 |" in done.stdout and "ATLAS" in done.stdout and "57.5%" in done.stdout
    assert "candidates citing their own ruling: 0" in done.stdout
