"""K-fold evaluation of the candidate codes and of HS_TEXT_MISMATCH on the bundled rulings.

The rulings are split into ``folds`` folds (fixed seed). For each fold:

1. **Training build** — the other folds' rulings are both the products (description =
   the ruling's description) and the only evidence (leave-one-out inside the training
   folds, no peer products). Each training product declares either its ruling's own
   code or a real declarable HTSUS code of another HS section (half of them, seeded).
2. **Fit on the training folds only**: the confidence coefficients (logistic regression
   of "rank 1 right at 6 digits" on the rank-1 score and its lead over rank 2), the
   ``is_abstain`` threshold (the lowest confidence above which rank 1 is right at least
   half the time) and the HS_TEXT_MISMATCH thresholds (heading share, chapter share,
   the chapter's best heading share, the rank-1 confidence at which the candidates are
   sure of another chapter: the grid point that catches the most far-away codes among
   those flagging at most 1 % of the training products declaring their own code).
3. **Held-out build** — the fold's rulings are the products (own or far-away code, as
   above) and only the training rulings are evidence; the fitted values are passed to
   the same dbt SQL as dbt vars. Its candidates and its HS_TEXT_MISMATCH flags are
   scored against the rulings' codes.

Nothing is scored in Python: the candidates and the flags are the dbt models' output.
Python only fits the few parameters above on the training build's output and counts.
"""

from __future__ import annotations

import math
import random
import shutil
import statistics
import tempfile
from pathlib import Path

import duckdb
import polars as pl

from hsguard.candidates import (
    CONFIDENCE_BANDS,
    DIGITS,
    _contract_frame,
    _model_seconds,
    build_scratch_warehouse,
    calibration_table,
    read_rulings,
    run_candidate_models,
)
from hsguard.codes import strip_separators
from hsguard.contracts import PRODUCTS

FOLDS = 5
SEED = 16
#: Share of the products that declare a far-away code (HS_TEXT_MISMATCH positives).
FAR_SHARE = 0.5
#: At most this share of correctly coded training products may be flagged.
TEXT_MISMATCH_TRAIN_FP = 0.01
SHARE_GRID = tuple(round(0.05 * i, 2) for i in range(1, 13))  # 0.05 .. 0.60
CHAPTER_GRID = (0.1, 0.2, 0.3, 0.5, 1.01)  # 1.01: the chapter guard not used
#: the declared chapter's best heading share (0: not used)
CHAPTER_HEADING_GRID = (0.0, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)
#: the rank-1 confidence at which the candidates are sure of another chapter (1.01: not used)
SURE_GRID = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.01)
ABSTAIN_GRID = tuple(round(0.05 * i, 2) for i in range(1, 19))  # 0.05 .. 0.90
DEFAULT_COEFFICIENTS = (-3.0, 1.6, 4.0)
SELECT = ("+fct_product_candidates", "+int_flags_hs_text_mismatch")


def assign_folds(ids: list[str], folds: int = FOLDS, seed: int = SEED) -> dict[str, int]:
    """Fold (0..folds-1) of every id: a seeded shuffle of the sorted ids, dealt round-robin."""
    ordered = sorted(ids)
    random.Random(seed).shuffle(ordered)
    return {rid: i % folds for i, rid in enumerate(ordered)}


def declared_codes(
    rulings: pl.DataFrame, far_codes: list[str], seed: int = SEED
) -> dict[str, tuple[str, bool]]:
    """Per ruling id: (declared HTSUS code, is_far). Half (seeded) declare a real declarable
    code of another HS section, the others their ruling's own code."""
    from hsguard.sample import pick_far_code

    rng = random.Random(f"{seed}-declared")
    out = {}
    for rid, code in sorted(zip(rulings["ruling_id"].to_list(), rulings["hts_code"].to_list(), strict=True)):
        own = strip_separators(code)
        if rng.random() < FAR_SHARE:
            out[rid] = (pick_far_code(own, far_codes, rng), True)
        else:
            out[rid] = (own, False)
    return out


def _products(rulings: pl.DataFrame, declared: dict[str, tuple[str, bool]]) -> pl.DataFrame:
    ids = rulings["ruling_id"].to_list()
    return _contract_frame(
        PRODUCTS,
        {
            "sku": ids,
            "description": rulings["description"].to_list(),
            "hts_code": [declared[i][0] for i in ids],
        },
    )


def _build(root: Path, products: pl.DataFrame, evidence: pl.DataFrame, dbt_vars: dict, name: str) -> dict:
    """One scratch build; returns its candidates, declared support and text-mismatch flags."""
    work = root / name
    work.mkdir(parents=True, exist_ok=True)
    database = work / "hsguard.duckdb"
    build_scratch_warehouse(database, products, evidence)
    seconds = run_candidate_models(
        database, work, dbt_vars, with_tests=False, quiet=True, run_id="evaluate-candidates", select=SELECT
    )
    con = duckdb.connect(str(database), read_only=True)
    try:
        out = {
            "candidates": con.execute(
                "select sku, rank, candidate_code, score, confidence, is_abstain, ruling_id "
                "from marts.fct_product_candidates where scheme = 'HTSUS' order by sku, rank"
            ).pl(),
            "support": con.execute(
                "select sku, declared_code, declared_heading_share, declared_chapter_share, "
                "declared_chapter_best_heading_share "
                "from intermediate.int_candidate_declared_support where scheme = 'HTSUS'"
            ).pl(),
            "flags": con.execute(
                "select sku, suggested_code, evidence from intermediate.int_flags_hs_text_mismatch "
                "where scheme = 'HTSUS'"
            ).pl(),
        }
    finally:
        con.close()
    out["seconds"] = seconds
    out["model_seconds"] = _model_seconds(work)
    shutil.rmtree(work, ignore_errors=True)
    return out


def _truth(rulings: pl.DataFrame) -> dict[str, str]:
    return {
        rid: strip_separators(code).ljust(10, "0")
        for rid, code in zip(rulings["ruling_id"].to_list(), rulings["hts_code"].to_list(), strict=True)
    }


def _ranked(candidates: pl.DataFrame) -> dict[str, list[dict]]:
    by_sku: dict[str, list[dict]] = {}
    for row in candidates.sort("sku", "rank").iter_rows(named=True):
        by_sku.setdefault(row["sku"], []).append(row)
    return by_sku


def rank1_features(ranked: list[dict]) -> tuple[float, float]:
    """(rank-1 score, its lead over rank 2): the inputs of the confidence in int_candidate_top."""
    if not ranked:
        return 0.0, 0.0
    first = ranked[0]["score"]
    second = ranked[1]["score"] if len(ranked) > 1 else 0.0
    return first, first - second


def _logistic(coefficients: tuple[float, ...], x: tuple[float, float]) -> float:
    z = coefficients[0] + coefficients[1] * x[0] + coefficients[2] * x[1]
    return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))


def fit_logistic(rows: list[tuple[tuple[float, float], bool]], l2: float = 0.1, steps: int = 50) -> tuple:
    """Logistic regression p = 1 / (1 + exp(-(a + b x0 + c x1))) by Newton's method with a
    small ridge on b and c (the training folds are ~160 rulings)."""
    w = [0.0, 0.0, 0.0]
    for _ in range(steps):
        grad = [0.0, 0.0, 0.0]
        hess = [[0.0] * 3 for _ in range(3)]
        for x, y in rows:
            v = (1.0, x[0], x[1])
            p = _logistic(tuple(w), x)
            for i in range(3):
                grad[i] += (p - float(y)) * v[i]
                for j in range(3):
                    hess[i][j] += p * (1 - p) * v[i] * v[j]
        for i in (1, 2):
            grad[i] += l2 * w[i]
            hess[i][i] += l2
        step = _solve3(hess, grad)
        w = [w[i] - step[i] for i in range(3)]
        if max(abs(s) for s in step) < 1e-8:
            break
    return tuple(round(c, 4) for c in w)


def _solve3(a: list[list[float]], b: list[float]) -> list[float]:
    """Solve the 3x3 system a x = b (Gaussian elimination with partial pivoting)."""
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(3):
        pivot = max(range(col, 3), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        if abs(m[col][col]) < 1e-12:
            return [0.0, 0.0, 0.0]
        for r in range(3):
            if r != col:
                f = m[r][col] / m[col][col]
                m[r] = [m[r][k] - f * m[col][k] for k in range(4)]
    return [m[i][3] / m[i][i] for i in range(3)]


def choose_abstain(rows: list[tuple[float, bool]], target: float = 0.5) -> float:
    """The lowest grid confidence above which rank 1 is right at least ``target`` of the time."""
    for t in ABSTAIN_GRID:
        kept = [ok for conf, ok in rows if conf >= t]
        if len(kept) >= 5 and sum(kept) / len(kept) >= target:
            return t
    return ABSTAIN_GRID[-1]


def text_mismatch_flags(row: tuple, thresholds: tuple[float, float, float, float]) -> bool:
    """The rule of int_flags_hs_text_mismatch on one product, for choosing its thresholds.

    row: (declared heading share, declared chapter share, the declared chapter's best
    heading share, any top-k candidate in the declared chapter, rank-1 confidence, ...);
    thresholds: (heading share, chapter share, chapter's best heading share, sure confidence)."""
    heading, chapter, chapter_heading, same_chapter, confidence = row[:5]
    t, c, c2, k = thresholds
    return (
        heading is not None
        and heading < t
        and not same_chapter
        and ((chapter or 0.0) < c or (chapter_heading or 0.0) < c2 or (confidence or 0.0) >= k)
    )


def choose_shares(
    rows: list[tuple], max_fp: float = TEXT_MISMATCH_TRAIN_FP
) -> tuple[float, float, float, float]:
    """The thresholds of HS_TEXT_MISMATCH from the training products: (heading share,
    chapter share, chapter's best heading share, sure confidence).

    rows: (declared heading share, declared chapter share, the declared chapter's best
    heading share, any top-k candidate in the declared chapter, rank-1 confidence,
    is_far). Among the grid points that flag at most ``max_fp`` of the correctly coded
    products (or, when none does, the fewest the grid allows), the one that flags the
    most far-away codes; ties go to the stricter thresholds (smaller shares, a higher
    confidence)."""
    negatives = [r for r in rows if not r[5]]
    positives = [r for r in rows if r[5]]
    scored = []
    for t in SHARE_GRID:
        for c in CHAPTER_GRID:
            for c2 in CHAPTER_HEADING_GRID:
                for k in SURE_GRID:
                    point = (t, c, c2, k)
                    fp = sum(text_mismatch_flags(r, point) for r in negatives) / max(len(negatives), 1)
                    tp = sum(text_mismatch_flags(r, point) for r in positives) / max(len(positives), 1)
                    scored.append((fp, tp, point))
    allowed = max(max_fp, min(fp for fp, *_ in scored))
    best = max(
        (x for x in scored if x[0] <= allowed + 1e-12),
        key=lambda x: (x[1], -x[2][0], -x[2][1], -x[2][2], x[2][3]),
    )
    return best[2]


def _same_chapter(ranked: list[dict], declared: str) -> bool:
    return any(r["candidate_code"][:2] == declared[:2] for r in ranked)


def _accuracy(by_sku: dict[str, list[dict]], truth: dict[str, str], top_k: int) -> dict[str, float]:
    n = len(truth)
    acc = {}
    for d in DIGITS:
        top1 = sum(
            1
            for rid, code in truth.items()
            if by_sku.get(rid) and by_sku[rid][0]["candidate_code"][:d] == code[:d]
        )
        topk = sum(
            1
            for rid, code in truth.items()
            if any(r["candidate_code"][:d] == code[:d] for r in by_sku.get(rid, [])[:top_k])
        )
        acc[f"top1_{d}"] = top1 / n if n else 0.0
        acc[f"top{top_k}_{d}"] = topk / n if n else 0.0
    return acc


def _miss_cause(ranked: list[dict], code: str, seen_hs6: set[str], seen_headings: set[str]) -> str:
    first = ranked[0]["candidate_code"] if ranked else ""
    if not ranked:
        level = "no candidate"
    elif first[:2] != code[:2]:
        level = "wrong chapter"
    elif first[:4] != code[:4]:
        level = "right chapter, wrong heading"
    else:
        level = "right heading, wrong subheading"
    if code[:6] in seen_hs6:
        evidence = "a training ruling has its HS-6"
    elif code[:4] in seen_headings:
        evidence = "training rulings have its heading only"
    else:
        evidence = "no training ruling in its heading"
    return f"{level}; {evidence}"


def evaluate_kfold(
    rulings_file: Path | None = None,
    folds: int = FOLDS,
    seed: int = SEED,
    top_k: int = 5,
    learning_curve: tuple[int | str, ...] = (),
    work_dir: Path | None = None,
    progress=None,
) -> dict:
    """K-fold accuracy of the candidates and HS_TEXT_MISMATCH recall / false-flag rate,
    every fitted value chosen on the training folds. See the module docstring."""
    from hsguard.sample import declarable_htsus_codes

    say = progress or (lambda _msg: None)
    rulings = read_rulings(rulings_file)
    rulings = rulings.filter(pl.col("description").is_not_null() & pl.col("hts_code").is_not_null())
    rulings = rulings.unique("ruling_id", keep="first", maintain_order=True)
    fold_of = assign_folds(rulings["ruling_id"].to_list(), folds, seed)
    declared = declared_codes(rulings, declarable_htsus_codes(), seed)
    owned = work_dir is None
    root = Path(tempfile.mkdtemp(prefix="hsguard-kfold-")) if owned else work_dir
    root.mkdir(parents=True, exist_ok=True)
    base_vars = {
        "candidates_exclude_self_rulings": True,
        "candidates_peer_examples": False,
        "candidates_top_k": top_k,
        "candidate_schemes": ["HTSUS"],
    }
    per_fold, held_rows, misses, curve = [], [], [], {}
    try:
        for f in range(folds):
            held_ids = [rid for rid, fold in fold_of.items() if fold == f]
            train = rulings.filter(~pl.col("ruling_id").is_in(held_ids))
            held = rulings.filter(pl.col("ruling_id").is_in(held_ids))
            say(f"fold {f + 1}/{folds}: training build ({train.height} rulings)")
            tr = _build(root, _products(train, declared), train, base_vars, f"train{f}")
            tr_ranked = _ranked(tr["candidates"])
            tr_truth = _truth(train)
            conf_rows = [
                (
                    rank1_features(tr_ranked.get(rid, [])),
                    bool(tr_ranked.get(rid)) and tr_ranked[rid][0]["candidate_code"][:6] == code[:6],
                )
                for rid, code in tr_truth.items()
            ]
            coefficients = fit_logistic(conf_rows)
            abstain = choose_abstain([(_logistic(coefficients, x), ok) for x, ok in conf_rows])
            support = {r["sku"]: r for r in tr["support"].iter_rows(named=True)}
            share_rows = [
                (
                    support[rid]["declared_heading_share"],
                    support[rid]["declared_chapter_share"],
                    support[rid]["declared_chapter_best_heading_share"],
                    _same_chapter(tr_ranked.get(rid, []), declared[rid][0]),
                    # the rank-1 confidence the held-out build will compute: the fitted coefficients
                    _logistic(coefficients, rank1_features(tr_ranked[rid])) if tr_ranked.get(rid) else 0.0,
                    declared[rid][1],
                )
                for rid in tr_truth
                if rid in support
            ]
            share, chapter_share, chapter_heading_share, sure = choose_shares(share_rows)
            fitted = {
                "candidates_confidence_coefficients": list(coefficients),
                "candidates_abstain_below": abstain,
                "text_mismatch_max_heading_share": share,
                "text_mismatch_max_chapter_share": chapter_share,
                "text_mismatch_max_chapter_heading_share": chapter_heading_share,
                "text_mismatch_sure_confidence": sure,
            }
            say(f"fold {f + 1}/{folds}: held-out build ({held.height} rulings; fitted {fitted})")
            ho = _build(root, _products(held, declared), train, {**base_vars, **fitted}, f"held{f}")
            ho_ranked = _ranked(ho["candidates"])
            ho_truth = _truth(held)
            accuracy = _accuracy(ho_ranked, ho_truth, top_k)
            flagged = set(ho["flags"]["sku"].to_list())
            # a ruling whose own code is no longer a declarable line is HS_OUTDATED's, not this check's
            judged = set(ho["support"]["sku"].to_list())
            positives = [rid for rid in ho_truth if declared[rid][1] and rid in judged]
            negatives = [rid for rid in ho_truth if not declared[rid][1] and rid in judged]
            self_citations = sum(
                1 for rid in ho_truth for r in ho_ranked.get(rid, []) if r["ruling_id"] == rid
            )
            per_fold.append(
                {
                    "fold": f,
                    "n": len(ho_truth),
                    "fitted": fitted,
                    "accuracy": accuracy,
                    "text_mismatch_recall": sum(r in flagged for r in positives) / len(positives)
                    if positives
                    else None,
                    "text_mismatch_false_flag": sum(r in flagged for r in negatives) / len(negatives)
                    if negatives
                    else None,
                    "positives": len(positives),
                    "negatives": len(negatives),
                    "flagged_positives": sum(r in flagged for r in positives),
                    "flagged_negatives": sum(r in flagged for r in negatives),
                    "needs_expert_flags": int(ho["flags"]["suggested_code"].is_null().sum()),
                    "self_citations": self_citations,
                    "model_seconds": tr["model_seconds"] + ho["model_seconds"],
                }
            )
            seen_hs6 = {c[:6] for c in tr_truth.values()}
            seen_headings = {c[:4] for c in tr_truth.values()}
            for rid, code in ho_truth.items():
                ranked = ho_ranked.get(rid, [])
                first = ranked[0] if ranked else None
                held_rows.append(
                    {
                        "confidence": first["confidence"] if first else 0.0,
                        "is_abstain": bool(first["is_abstain"]) if first else True,
                        "correct_6": bool(first) and first["candidate_code"][:6] == code[:6],
                        "correct_10": bool(first) and first["candidate_code"][:10] == code[:10],
                    }
                )
                if not (first and first["candidate_code"][:6] == code[:6]):
                    misses.append(
                        {
                            "ruling_id": rid,
                            "fold": f,
                            "description": rulings.filter(pl.col("ruling_id") == rid)["description"][0],
                            "code": code,
                            "rank1": first["candidate_code"] if first else None,
                            "top_k": [r["candidate_code"] for r in ranked[:top_k]],
                            "in_top_k_6": any(r["candidate_code"][:6] == code[:6] for r in ranked),
                            "cause": _miss_cause(ranked, code, seen_hs6, seen_headings),
                        }
                    )
            # nested subsets: one seeded order of the fold's training rulings, each size a prefix
            order = sorted(train["ruling_id"].to_list())
            random.Random(f"{seed}-{f}-curve").shuffle(order)
            for point in learning_curve:
                size = curve_size(point, train.height)
                label = point if isinstance(point, str) else size
                if size >= train.height:
                    # the held-out build itself
                    curve.setdefault(label, []).append({**accuracy, "evidence": train.height})
                    continue
                sub = train.filter(pl.col("ruling_id").is_in(order[:size]))
                say(f"fold {f + 1}/{folds}: learning curve, {sub.height} evidence rulings")
                lc = _build(root, _products(held, declared), sub, {**base_vars, **fitted}, f"lc{f}-{size}")
                curve.setdefault(label, []).append(
                    {**_accuracy(_ranked(lc["candidates"]), ho_truth, top_k), "evidence": sub.height}
                )
    finally:
        if owned:
            shutil.rmtree(root, ignore_errors=True)
    return summarise(per_fold, held_rows, misses, curve, top_k, folds, seed)


def curve_size(point: int | str, train_size: int) -> int:
    """Evidence rulings of one learning-curve point: a number, or a share of the training
    fold written as a percentage ("40%"), rounded to the nearest ruling."""
    if isinstance(point, str):
        share = float(point.rstrip("%")) / 100.0
        if not 0.0 < share <= 1.0:
            raise ValueError(f"learning-curve share {point!r} is not in (0%, 100%]")
        return max(1, min(train_size, round(share * train_size)))
    return max(1, min(train_size, point))


def parse_curve(text: str) -> tuple[int | str, ...]:
    """`--learning-curve` value: comma-separated numbers of rulings or percentages."""
    points: list[int | str] = []
    for raw in text.split(","):
        v = raw.strip()
        if not v:
            continue
        if v.endswith("%"):
            curve_size(v, 100)  # validates
            points.append(v)
        else:
            n = int(v)
            if n < 1:
                raise ValueError(f"learning-curve size {v!r} is not a positive number")
            points.append(n)
    return tuple(points)


def miss_sample(misses: list[dict], n: int, seed: int) -> list[dict]:
    """A seeded sample of ``n`` held-out misses (the same seed, folds and misses, the same sample)."""
    sample = sorted(misses, key=lambda m: m["ruling_id"])
    random.Random(seed).shuffle(sample)
    return sample[:n]


def write_misses_csv(misses: list[dict], path: Path) -> None:
    """The sampled misses as a CSV to be read and classified by cause (cause, reason left empty)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(
        {
            "ruling_id": [m["ruling_id"] for m in misses],
            "fold": [m["fold"] + 1 for m in misses],
            "ruling_code": [m["code"] for m in misses],
            "top5": [" ".join(m["top_k"]) for m in misses],
            "in_top5_6": [m["in_top_k_6"] for m in misses],
            "automatic_cause": [m["cause"] for m in misses],
            "description": [m["description"] for m in misses],
        }
    ).write_csv(path)


def _spread(values: list[float]) -> dict[str, float]:
    return {
        "mean": statistics.fmean(values),
        "sd": statistics.stdev(values) if len(values) > 1 else 0.0,
        "min": min(values),
        "max": max(values),
    }


def summarise(per_fold, held_rows, misses, curve, top_k, folds, seed) -> dict:
    keys = list(per_fold[0]["accuracy"]) if per_fold else []
    accuracy = {k: _spread([p["accuracy"][k] for p in per_fold]) for k in keys}
    calibration = []
    for low, high in CONFIDENCE_BANDS:
        band = [r for r in held_rows if low <= r["confidence"] < high]
        calibration.append(
            {
                "band": f"{low:.1f}-{min(high, 1.0):.1f}",
                "n": len(band),
                "mean_confidence": statistics.fmean(r["confidence"] for r in band) if band else None,
                "rank1_accuracy_6": sum(r["correct_6"] for r in band) / len(band) if band else None,
                "rank1_accuracy_10": sum(r["correct_10"] for r in band) / len(band) if band else None,
            }
        )
    answered = [r for r in held_rows if not r["is_abstain"]]
    positives = sum(p["positives"] for p in per_fold)
    negatives = sum(p["negatives"] for p in per_fold)
    return {
        "folds": folds,
        "seed": seed,
        "top_k": top_k,
        "n": len(held_rows),
        "per_fold": per_fold,
        "accuracy": accuracy,
        "calibration": calibration,
        "coverage": len(answered) / len(held_rows) if held_rows else 0.0,
        "answered_accuracy_6": sum(r["correct_6"] for r in answered) / len(answered) if answered else None,
        "text_mismatch": {
            "positives": positives,
            "negatives": negatives,
            "recall": sum(p["flagged_positives"] for p in per_fold) / positives if positives else None,
            "false_flag": sum(p["flagged_negatives"] for p in per_fold) / negatives if negatives else None,
            "recall_by_fold": _spread(
                [p["text_mismatch_recall"] for p in per_fold if p["text_mismatch_recall"] is not None]
            ),
            "needs_expert": sum(p["needs_expert_flags"] for p in per_fold),
        },
        "misses": misses,
        "learning_curve": {
            label: {k: _spread([a[k] for a in accs]) for k in accs[0]}
            for label, accs in sorted(curve.items(), key=lambda kv: sum(a["evidence"] for a in kv[1]))
        },
        "self_citations": sum(p["self_citations"] for p in per_fold),
        "model_seconds": sum(p["model_seconds"] for p in per_fold),
    }


def _pct(spread: dict[str, float]) -> str:
    return f"{spread['mean']:.1%} ± {spread['sd']:.1%} ({spread['min']:.0%}-{spread['max']:.0%})"


def format_kfold(result: dict, misses: int = 0) -> str:
    """Markdown tables: accuracy (mean ± sd, min-max over folds), fitted values per fold,
    HS_TEXT_MISMATCH, calibration, learning curve, and a list of held-out misses by cause."""
    k = result["top_k"]
    acc = result["accuracy"]
    lines = [
        f"Candidate codes, {result['folds']}-fold (seed {result['seed']}) on {result['n']} rulings: every "
        "fitted value chosen on the training folds, every figure on the held-out fold; "
        "mean ± sd (min-max) over folds",
        "",
        f"| digits | top-1 | top-{k} |",
        "|---:|---:|---:|",
    ]
    for d in DIGITS:
        lines.append(f"| {d} | {_pct(acc[f'top1_{d}'])} | {_pct(acc[f'top{k}_{d}'])} |")
    lines += [
        "",
        "| fold | n | top-1 @6 | top-5 @6 | confidence coefficients | abstain below "
        "| text-mismatch heading / chapter / chapter's best heading share, sure confidence |",
        "|---:|---:|---:|---:|---|---:|---:|",
    ]
    for p in result["per_fold"]:
        fitted = p["fitted"]
        lines.append(
            f"| {p['fold'] + 1} | {p['n']} | {p['accuracy']['top1_6']:.1%} | "
            f"{p['accuracy'][f'top{k}_6']:.1%} | "
            f"{fitted['candidates_confidence_coefficients']} | {fitted['candidates_abstain_below']} | "
            f"{fitted['text_mismatch_max_heading_share']} / {fitted['text_mismatch_max_chapter_share']} / "
            f"{fitted['text_mismatch_max_chapter_heading_share']}, "
            f"{fitted['text_mismatch_sure_confidence']} |"
        )
    tm = result["text_mismatch"]
    lines += [
        "",
        f"HS_TEXT_MISMATCH on the held-out folds: {tm['positives']} products declaring a real code of "
        f"another HS section, {tm['negatives']} declaring their ruling's own code",
        f"recall {tm['recall']:.1%} (per fold {_pct(tm['recall_by_fold'])}), correctly coded products "
        f"flagged {tm['false_flag']:.1%}; {tm['needs_expert']} of the flags say 'needs expert' "
        "(no suggestion)",
        "",
        "Calibration of the rank-1 confidence (held-out folds, pooled):",
        "",
    ]
    lines += calibration_table(result["calibration"])
    answered = result["answered_accuracy_6"]
    lines += [
        "",
        f"coverage (not is_abstain): {result['coverage']:.1%} of held-out products"
        + (f", rank 1 right at 6 digits for {answered:.1%} of them" if answered is not None else ""),
        f"candidates citing their own ruling: {result['self_citations']}",
        f"time: {result['model_seconds']:.1f} s in the candidate models over all builds",
    ]
    if result["learning_curve"]:
        lines += [
            "",
            "Learning curve (evidence rulings per held-out fold):",
            "",
            f"| evidence rulings | per fold | top-1 @6 | top-{k} @6 | top-1 @4 | top-1 @2 |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for label, a in result["learning_curve"].items():
            lines.append(
                f"| {label} | {a['evidence']['mean']:.0f} | {_pct(a['top1_6'])} | {_pct(a[f'top{k}_6'])} | "
                f"{_pct(a['top1_4'])} | {_pct(a['top1_2'])} |"
            )
    causes: dict[str, int] = {}
    for m in result["misses"]:
        causes[m["cause"]] = causes.get(m["cause"], 0) + 1
    lines += [
        "",
        f"Held-out misses at 6 digits (rank 1 wrong): {len(result['misses'])}",
        "",
        "| cause | misses |",
        "|---|---:|",
    ]
    for cause, count in sorted(causes.items(), key=lambda kv: -kv[1]):
        lines.append(f"| {cause} | {count} |")
    if misses:
        sample = miss_sample(result["misses"], misses, result["seed"])
        lines += [
            "",
            f"{min(misses, len(sample))} held-out misses (seeded sample):",
            "",
            "| ruling | description | ruling code | rank 1 | in top 5 | cause |",
            "|---|---|---|---|---|---|",
        ]
        for m in sample[:misses]:
            text = m["description"].replace("|", "/")
            text = text[:90] + ("..." if len(text) > 90 else "")
            lines.append(
                f"| {m['ruling_id']} | {text} | {m['code']} | {m['rank1'] or ''} | "
                f"{'yes' if m['in_top_k_6'] else 'no'} | {m['cause']} |"
            )
    return "\n".join(lines)


__all__ = [
    "assign_folds",
    "choose_abstain",
    "choose_shares",
    "evaluate_kfold",
    "fit_logistic",
    "format_kfold",
    "miss_sample",
    "parse_curve",
    "write_misses_csv",
]
