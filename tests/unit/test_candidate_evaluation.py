"""The k-fold evaluation's own parts (fold split, fitting on training rows) and the
real-text master; the builds themselves are exercised by `hsguard evaluate-candidates`."""

import random

import polars as pl

from hsguard.candidate_evaluation import (
    _logistic,
    assign_folds,
    choose_abstain,
    choose_shares,
    fit_logistic,
    text_mismatch_flags,
)
from hsguard.codes import strip_separators
from hsguard.sample import _section, generate_real_text, pick_far_code


def test_folds_are_seeded_balanced_and_disjoint():
    ids = [f"R{i:03d}" for i in range(200)]
    folds = assign_folds(ids, 5, 16)
    assert folds == assign_folds(list(reversed(ids)), 5, 16)  # order of input does not matter
    assert folds != assign_folds(ids, 5, 17)
    sizes = [sum(1 for f in folds.values() if f == k) for k in range(5)]
    assert sizes == [40] * 5


def test_logistic_fit_follows_the_data():
    rng = random.Random(1)
    rows = []
    for _ in range(400):
        score, lead = rng.uniform(0, 3), rng.uniform(0, 1)
        truth = rng.random() < _logistic((-2.0, 1.0, 2.0), (score, lead))
        rows.append(((score, lead), truth))
    a, b, c = fit_logistic(rows, l2=0.0)
    assert b > 0.3 and c > 0.5 and a < -0.5
    # higher score, higher confidence; a constant label gives no slope
    flat = fit_logistic(
        [((s, 0.0), True) for s in (0.5, 1.0, 1.5)] + [((s, 0.0), False) for s in (0.5, 1.0, 1.5)]
    )
    assert abs(flat[1]) < 1e-6


def test_abstain_threshold_is_where_rank_one_is_right_half_the_time():
    rows = (
        [(0.1, False)] * 20 + [(0.3, False)] * 5 + [(0.3, True)] * 3 + [(0.6, True)] * 8 + [(0.6, False)] * 2
    )
    t = choose_abstain(rows)
    kept = [ok for conf, ok in rows if conf >= t]
    assert sum(kept) / len(kept) >= 0.5
    assert t <= 0.3  # 0.3 and above: 11 of 18 right


def test_text_mismatch_thresholds_keep_false_flags_down_first():
    # (heading share, chapter share, chapter's best heading share, candidate in declared
    # chapter, rank-1 confidence, is_far)
    far = [(0.0, 0.0, 0.0, False, 0.2, True)] * 40 + [(0.3, 0.1, 0.3, False, 0.2, True)] * 10
    own = (
        [(1.0, 1.0, 1.0, True, 0.9, False)] * 80
        + [(0.3, 0.6, 0.6, False, 0.2, False)] * 10
        + [(0.0, 0.0, 0.0, False, 0.1, False)]
    )
    point = choose_shares(far + own)
    flagged_own = sum(text_mismatch_flags(r, point) for r in own)
    flagged_far = sum(text_mismatch_flags(r, point) for r in far)
    assert flagged_own == 1  # the one with nothing in common cannot be avoided
    assert flagged_far == 50  # the chapter share separates the others


def test_text_mismatch_chapter_guard_gives_way_to_a_lone_heading_or_sure_candidates():
    # far codes in a chapter whose headings together share words with the description
    # (chapter share 0.5): caught when no heading of it alone explains the text (0.1) or
    # when rank 1 is sure of another chapter (0.9); correct codes with a chapter heading
    # that does explain it (0.5) and an unsure rank 1 (0.2) are not flagged
    far = (
        [(0.0, 0.0, 0.0, False, 0.2, True)] * 40
        + [(0.1, 0.5, 0.1, False, 0.2, True)] * 5
        + [(0.1, 0.5, 0.5, False, 0.9, True)] * 5
    )
    own = [(1.0, 1.0, 1.0, True, 0.9, False)] * 80 + [(0.1, 0.5, 0.5, False, 0.2, False)] * 10
    point = choose_shares(far + own)
    assert sum(text_mismatch_flags(r, point) for r in own) == 0
    assert sum(text_mismatch_flags(r, point) for r in far) == 50
    t, c, c2, k = point
    assert c < 0.5 and 0.1 < c2 <= 0.5 and 0.2 < k <= 0.9  # neither guard switched off
    # heading share missing (no word of the description in the tariff): never flagged
    assert not text_mismatch_flags((None, 0.0, 0.0, False, 0.9), point)


def test_far_codes_are_of_another_section():
    codes = ["0101210010", "6110202067", "8471300100", "9405408000"]
    rng = random.Random(3)
    for own in codes:
        for _ in range(10):
            assert _section(pick_far_code(own, codes, rng)) != _section(own)


def test_real_text_master_uses_ruling_texts_and_labels_every_product(tmp_path):
    from hsguard.paths import REFERENCE_DIR
    from hsguard.reference import parse_atlas_rulings

    result = generate_real_text(tmp_path, seed=5)
    products = pl.read_csv(tmp_path / "products.csv", infer_schema=False)
    labels = pl.read_csv(tmp_path / "labels.csv", infer_schema=False).fill_null("")
    rulings = parse_atlas_rulings(REFERENCE_DIR / "rulings" / "atlas_cross_rulings_validation.jsonl")
    own = dict(rulings.select("ruling_id", "hts_code").iter_rows())
    texts = dict(rulings.select("ruling_id", "description").iter_rows())
    assert pl.read_csv(tmp_path / "rulings.csv").height == 0  # no precedent for these texts
    assert products.height == labels.height == result["products"] > 100
    kind = dict(labels.select("id", "kind").iter_rows())
    far = 0
    for row in products.iter_rows(named=True):
        assert row["description"] == texts[row["source_ruling"]]
        declared, ruled = strip_separators(row["hts_code"]), strip_separators(own[row["source_ruling"]])
        if kind[row["sku"]] == "sku":
            far += 1
            assert _section(declared) != _section(ruled)
        else:
            assert kind[row["sku"]] == "clean" and declared == ruled
    assert 0.3 < far / products.height < 0.7


def test_kfold_never_lets_a_held_out_ruling_be_evidence_and_fits_on_training_only(monkeypatch, tmp_path):
    """The orchestration with the dbt build replaced by a recorder (a unit test: the real
    build is run by `hsguard evaluate-candidates`)."""
    import hsguard.candidate_evaluation as ke
    import hsguard.sample as sample

    ids = [f"R{i:02d}" for i in range(20)]
    codes = ["6110202067", "8471300100", "9405408000", "0101210010"]
    rulings = pl.DataFrame(
        {
            "ruling_id": ids,
            "description": [f"text {i}" for i in range(20)],
            "hts_code": [codes[i % 4] for i in range(20)],
        }
    )
    monkeypatch.setattr(ke, "read_rulings", lambda _path: rulings)
    monkeypatch.setattr(sample, "declarable_htsus_codes", lambda: codes)
    builds = []

    def fake_build(root, products, evidence, dbt_vars, name):
        skus = products["sku"].to_list()
        builds.append((name, set(skus), set(evidence["ruling_id"].to_list()), dict(dbt_vars)))
        truth = dict(zip(rulings["ruling_id"], rulings["hts_code"], strict=True))
        rows = []
        for i, sku in enumerate(skus):
            right = truth[sku]
            first = right if i % 2 == 0 else "2709000000"
            rows += [
                {
                    "sku": sku,
                    "rank": 1,
                    "candidate_code": first,
                    "score": 2.0 if i % 2 == 0 else 0.5,
                    "confidence": 0.5,
                    "is_abstain": False,
                    "ruling_id": None,
                },
                {
                    "sku": sku,
                    "rank": 2,
                    "candidate_code": right,
                    "score": 0.4,
                    "confidence": 0.2,
                    "is_abstain": False,
                    "ruling_id": None,
                },
            ]
        return {
            "candidates": pl.DataFrame(rows),
            "support": pl.DataFrame(
                {
                    "sku": skus,
                    "declared_code": [codes[0]] * len(skus),
                    "declared_heading_share": [0.5] * len(skus),
                    "declared_chapter_share": [0.5] * len(skus),
                    "declared_chapter_best_heading_share": [0.5] * len(skus),
                }
            ),
            "flags": pl.DataFrame(
                {"sku": [], "suggested_code": [], "evidence": []},
                schema={"sku": pl.Utf8, "suggested_code": pl.Utf8, "evidence": pl.Utf8},
            ),
            "seconds": 0.0,
            "model_seconds": 0.0,
        }

    monkeypatch.setattr(ke, "_build", fake_build)
    result = ke.evaluate_kfold(folds=4, seed=3, learning_curve=("50%", "100%"), work_dir=tmp_path)
    assert result["n"] == 20 and len(result["per_fold"]) == 4
    curves = [b for b in builds if b[0].startswith("lc")]
    assert len(curves) == 4  # 100 % is the held-out build itself
    for (_, held, evidence, _), (_, lc_held, lc_evidence, _) in zip(
        [b for b in builds if b[0].startswith("held")], curves, strict=True
    ):
        assert lc_held == held and lc_evidence < evidence and len(lc_evidence) == 8  # 50 % of 15, nested
    assert list(result["learning_curve"]) == ["50%", "100%"]
    assert result["learning_curve"]["100%"]["top1_6"] == result["accuracy"]["top1_6"]
    trains = [b for b in builds if b[0].startswith("train")]
    helds = [b for b in builds if b[0].startswith("held")]
    assert len(trains) == len(helds) == 4
    held_sets = [b[1] for b in helds]
    assert set().union(*held_sets) == set(ids) and sum(len(h) for h in held_sets) == 20
    for (_, train_products, train_evidence, train_vars), (_, held, evidence, held_vars) in zip(
        trains, helds, strict=True
    ):
        assert train_products == train_evidence == set(ids) - held  # training: leave-one-out inside
        assert not held & evidence and evidence == set(ids) - held  # held out: never its own evidence
        assert train_vars["candidates_peer_examples"] is False
        for name in (
            "candidates_confidence_coefficients",
            "candidates_abstain_below",
            "text_mismatch_max_heading_share",
            "text_mismatch_max_chapter_heading_share",
            "text_mismatch_sure_confidence",
        ):
            assert name not in train_vars and name in held_vars  # fitted on training, used held out
    assert abs(result["accuracy"]["top1_6"]["mean"] - 0.5) < 0.11
    assert result["accuracy"]["top5_6"]["mean"] == 1.0


def test_learning_curve_points_and_miss_sample(tmp_path):
    from hsguard.candidate_evaluation import curve_size, miss_sample, parse_curve, write_misses_csv

    assert parse_curve("20%, 40%,100%,25") == ("20%", "40%", "100%", 25)
    assert [curve_size(p, 160) for p in ("20%", "40%", "100%", 25, 500)] == [32, 64, 160, 25, 160]
    for bad in ("0%", "120%", "x", "-3"):
        try:
            parse_curve(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} accepted")
    misses = [
        {
            "ruling_id": f"R{i:02d}",
            "fold": i % 3,
            "code": "6110202067",
            "top_k": ["6110309000", "6109100012"],
            "in_top_k_6": False,
            "cause": "x",
            "description": f"text {i}",
        }
        for i in range(30)
    ]
    sample = miss_sample(misses, 10, 16)
    assert sample == miss_sample(list(reversed(misses)), 10, 16)  # seeded, order-free
    assert sample != miss_sample(misses, 10, 17) and len(sample) == 10
    write_misses_csv(sample, tmp_path / "m.csv")
    frame = pl.read_csv(tmp_path / "m.csv", infer_schema=False)
    assert frame["ruling_id"].to_list() == [m["ruling_id"] for m in sample]
    assert frame["top5"][0] == "6110309000 6109100012"


def test_bundled_miss_analysis_is_of_bundled_rulings_and_names_a_known_cause():
    from hsguard.candidates import read_rulings
    from hsguard.paths import DATA_DIR

    frame = pl.read_csv(DATA_DIR / "evaluation" / "candidate_misses.csv", infer_schema=False)
    rulings = read_rulings(None)
    own = {
        rid: strip_separators(code).ljust(10, "0")
        for rid, code in rulings.select("ruling_id", "hts_code").iter_rows()
    }
    assert frame.height == 50 and frame["ruling_id"].n_unique() == 50
    causes = {
        "several_articles",
        "lacks_attribute",
        "vocabulary_gap",
        "composite_material",
        "legal_note",
        "word_sense",
        "gri6_detail",
        "ruling_code_not_current",
    }
    for row in frame.iter_rows(named=True):
        assert own[row["ruling_id"]] == row["ruling_code"]
        top5 = (row["top5"] or "").split()
        assert row["ruling_code"][:6] not in [c[:6] for c in top5[:1]]  # a miss: rank 1 is wrong
        assert (row["in_top5_6"] == "true") == (row["ruling_code"][:6] in [c[:6] for c in top5])
        assert row["cause"] in causes and len(row["reason"]) > 20
