"""Reviewer overrides, fct_product_risk and audit.flag_history across three nights.

Night 0 is the session's published sample build (``sample_run``: the sample's own
overrides); night 1, a real run of the CLI on a copy of it, has the sample with a test
overrides.csv (the reviewer's decisions change; the flags stay); night 2 runs after the
product master changed: one product's code is fixed (its flag is resolved), and an
overridden product is reclassified to another (still malformed) code, so its override
lapses.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from hsguard.report_page import render_report
from tests.conftest import SAMPLE_DIR, copy_published, run_cli

pytestmark = pytest.mark.integration

OVERRIDE_HEADER = [
    "sku",
    "check_code",
    "scheme",
    "declared_code",
    "decision",
    "reason",
    "reviewer",
    "decided_at",
]


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def flag(db: Path, sku: str, check_code: str) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cursor = con.execute(
            "select * from marts.fct_classification_flags where sku = ? and check_code = ?", [sku, check_code]
        )
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    finally:
        con.close()
    assert len(rows) == 1, (sku, check_code, rows)
    return dict(zip(names, rows[0], strict=True))


def history_row(db: Path, sku: str, check_code: str) -> dict:
    rows = query(
        db,
        "select status, first_seen_run_id, last_seen_run_id, resolved_run_id from audit.flag_history "
        "where sku = ? and check_code = ?",
        [sku, check_code],
    )
    assert len(rows) == 1, (sku, check_code, rows)
    return dict(zip(("status", "first_seen", "last_seen", "resolved"), rows[0], strict=True))


def run_id_of(db: Path) -> str:
    return query(db, "select max(run_id) from audit.run_history")[0][0]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory, cli_env, sample_run) -> dict:
    root = tmp_path_factory.mktemp("overrides")
    sources = root / "sources"
    shutil.copytree(SAMPLE_DIR, sources)
    products = pl.read_csv(sources / "products.csv", infer_schema=False)
    labels = pl.read_csv(sources / "labels.csv", infer_schema=False).filter(pl.col("kind") == "sku")
    codes = dict(zip(products["sku"], products["hts_code"], strict=True))
    counts = labels.group_by("id").len()
    single = set(counts.filter(pl.col("len") == 1)["id"])  # SKUs the sample gives exactly one error

    def pick(check_code: str, n: int, predicate=lambda sku: True) -> list[str]:
        skus = sorted(s for s in labels.filter(pl.col("check_code") == check_code)["id"] if s in single)
        chosen = [s for s in skus if predicate(s)][:n]
        assert len(chosen) == n, check_code
        return chosen

    stale = pick("CLASSIFICATION_STALE", 1)[0]
    malformed_lapsing, malformed_fixed = pick("HS_MALFORMED", 2, lambda s: "O" in (codes[s] or ""))
    outdated = pick("HS_OUTDATED", 1)[0]
    overrides = [
        # applies: sku + check_code only
        [
            stale,
            "CLASSIFICATION_STALE",
            "",
            "",
            "accepted_risk",
            "reviewed, unchanged",
            "t.tester",
            "2026-11-01",
        ],
        # applies in runs 1-2 (made against the current code), lapses in run 3
        [
            malformed_lapsing,
            "HS_MALFORMED",
            "HTSUS",
            codes[malformed_lapsing],
            "fixed",
            "corrected in the ERP",
            "t.tester",
            "2026-11-01T10:00:00",
        ],
        # lapsed from the start: made against another code than the declared one
        [
            outdated,
            "HS_OUTDATED",
            "HTSUS",
            "0101.21.0010",
            "false_positive",
            "old code",
            "t.tester",
            "2026-01-01",
        ],
        # quarantined at ingest: not a decision
        [outdated, "HS_OUTDATED", "", "", "approve", "typo", "t.tester", "2026-11-01"],
    ]
    with (sources / "overrides.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(OVERRIDE_HEADER)
        writer.writerows(overrides)
    # a reviewer rules out the shared sample build's possible screening match (docs/SCREENING.md)
    screened = query(
        sample_run["warehouse"],
        "select end_user, entry_id, entry_version from marts.fct_party_screening_matches "
        "where severity = 'medium' and strength_rank = 1",
    )[0]
    with (sources / "screening_overrides.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [
                ["end_user", "entry_id", "entry_version", "decision", "reason", "reviewer", "decided_at"],
                [*screened, "false_positive", "another company", "t.tester", "2026-11-01"],
            ]
        )

    # night 0: the published sample build (the sample's sources, its own overrides)
    night0 = copy_published(sample_run, root)
    warehouse, reports = night0["warehouse"], night0["reports"]
    args = ("run", "--sources", str(sources), "--warehouse", str(warehouse), "--reports", str(reports))
    snapshots = []
    run_ids = [run_id_of(warehouse)]
    for run in (1, 2):
        if run == 2:
            changed = products.with_columns(
                pl.when(pl.col("sku") == malformed_fixed)
                .then(pl.col("hts_code").str.replace_all("O", "0"))
                .when(pl.col("sku") == malformed_lapsing)
                .then(pl.col("hts_code") + "9")
                .otherwise(pl.col("hts_code"))
                .alias("hts_code")
            )
            changed.write_csv(sources / "products.csv")
        result = run_cli(cli_env, *args)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        run_ids.append(run_id_of(warehouse))
        snapshot = root / "snapshots" / f"run{run}.duckdb"
        snapshot.parent.mkdir(exist_ok=True)
        shutil.copy2(warehouse, snapshot)
        snapshots.append(snapshot)
    return {
        "snapshots": [None, *snapshots],
        "run_ids": run_ids,
        "stale": stale,
        "malformed_lapsing": malformed_lapsing,
        "malformed_fixed": malformed_fixed,
        "outdated": outdated,
        "screened": screened,
        "reports": reports,
    }


def test_a_false_positive_screening_match_holds_on_every_later_run(scenario, sample_run):
    end_user, entry_id, _ = scenario["screened"]
    hits = (
        "select count(*) from marts.fct_classification_flags "
        "inner join raw.erp_shipments using (shipment_id) "
        "where check_code = 'PARTY_SCREENING_HIT' and trim(end_user) = ?"
    )
    assert query(sample_run["warehouse"], hits, [end_user]) == [(1,)]  # without the decision
    for db in scenario["snapshots"][1:]:  # night 1, the first run with it, and night 2 after it
        assert query(db, hits, [end_user]) == [(0,)]
        assert query(
            db,
            "select is_overridden, override_status from marts.fct_party_screening_matches "
            "where end_user = ? and entry_id = ?",
            [end_user, entry_id],
        ) == [(True, "applied")]


def test_overridden_flags_stay_in_the_mart(scenario):
    db = scenario["snapshots"][1]
    stale = flag(db, scenario["stale"], "CLASSIFICATION_STALE")
    assert stale["is_overridden"] is True and stale["override_status"] == "applied"
    assert (stale["decision"], stale["reviewer"], stale["reason"]) == (
        "accepted_risk",
        "t.tester",
        "reviewed, unchanged",
    )
    malformed = flag(db, scenario["malformed_lapsing"], "HS_MALFORMED")
    assert malformed["is_overridden"] is True and malformed["decision"] == "fixed"


def test_lapsed_and_invalid_overrides_are_not_applied(scenario):
    db = scenario["snapshots"][1]
    outdated = flag(db, scenario["outdated"], "HS_OUTDATED")
    assert outdated["is_overridden"] is False and outdated["override_status"] == "lapsed"
    assert outdated["decision"] == "false_positive"  # the lapsed decision stays visible
    reasons = [
        r[0] for r in query(db, "select reason from audit.quarantine where source_file like '%overrides.csv'")
    ]
    assert len(reasons) == 1 and "decision: not one of" in reasons[0]


def test_product_risk_counts_only_open_flags(scenario):
    db = scenario["snapshots"][1]
    mismatches = query(
        db,
        "select r.sku from marts.fct_product_risk r left join (select sku, "
        "count(*) filter (where not is_overridden) as open_flags, "
        "count(*) filter (where is_overridden) as overridden_flags "
        # INPUT_EXPECTATION_FAILED findings are added by the validate stage after dbt and are
        # data-quality findings, not classification risk (docs/RISK.md)
        "from marts.fct_classification_flags where check_code != 'INPUT_EXPECTATION_FAILED' "
        "group by sku) f using (sku) "
        "where r.open_flags != coalesce(f.open_flags, 0) "
        "or r.overridden_flags != coalesce(f.overridden_flags, 0) "
        "or (r.open_flags = 0) != (r.risk_score = 0)",
    )
    assert mismatches == []
    assert query(db, "select count(*) from marts.fct_product_risk") == query(
        db, "select count(*) from marts.dim_products"
    )
    (stale,) = query(
        db,
        "select overridden_flags, open_flags, risk_score, risk_band, trade_value_exposed_usd "
        "from marts.fct_product_risk where sku = ?",
        [scenario["stale"]],
    )
    assert stale[0] == 1
    if stale[1] == 0:  # no other check flags the product: nothing open, no risk
        assert stale[2:] == (0.0, "none", 0.0)
    (outdated,) = query(
        db, "select open_flags, risk_score from marts.fct_product_risk where sku = ?", [scenario["outdated"]]
    )
    assert outdated[0] >= 1 and outdated[1] > 0


def test_review_queue_leaves_out_overridden_flags(scenario, tmp_path):
    run_id = scenario["run_ids"][1]
    summary = json.loads((scenario["reports"] / run_id / "summary.json").read_text(encoding="utf-8"))
    con = duckdb.connect(str(scenario["snapshots"][1]), read_only=True)
    try:
        render_report(con, tmp_path, summary, top_n=1000)  # every flagged product
    finally:
        con.close()
    queue = pl.read_csv(tmp_path / "review_queue.csv", infer_schema=False)
    keys = set(zip(queue["sku"], queue["check_code"], strict=True))
    assert (scenario["stale"], "CLASSIFICATION_STALE") not in keys
    assert (scenario["malformed_lapsing"], "HS_MALFORMED") not in keys
    assert (scenario["outdated"], "HS_OUTDATED") in keys  # lapsed: back in the queue


def test_flag_history_first_and_last_seen(scenario):
    run0, run1, _ = scenario["run_ids"]
    db = scenario["snapshots"][1]
    rows = query(
        db,
        "select first_seen_run_id, last_seen_run_id, status, count(*) from audit.flag_history group by all",
    )
    # every flag of night 0 is seen again on night 1 but the screening hit that night 1's
    # screening decision rules out: that one is resolved on night 1
    assert run0 != run1 and {(r[0], r[1]) for r in rows} == {(run0, run1), (run0, run0)}
    gone = query(
        db,
        "select history.check_code, history.status, history.resolved_run_id, trim(shipments.end_user) "
        "from audit.flag_history as history inner join raw.erp_shipments as shipments using (shipment_id) "
        "where history.last_seen_run_id = ?",
        [run0],
    )
    assert gone == [("PARTY_SCREENING_HIT", "resolved", run1, scenario["screened"][0])]
    assert query(db, "select count(*) - 1 from audit.flag_history") == query(
        db, "select count(*) from marts.fct_classification_flags"
    )
    assert history_row(db, scenario["stale"], "CLASSIFICATION_STALE")["status"] == "overridden"
    assert history_row(db, scenario["outdated"], "HS_OUTDATED")["status"] == "open"


def test_changed_code_resolves_a_flag_and_lapses_an_override(scenario):
    run0, run1, run2 = scenario["run_ids"]
    db = scenario["snapshots"][2]
    fixed = history_row(db, scenario["malformed_fixed"], "HS_MALFORMED")
    assert fixed == {"status": "resolved", "first_seen": run0, "last_seen": run1, "resolved": run2}
    assert not query(
        db,
        "select 1 from marts.fct_classification_flags where sku = ? and check_code = 'HS_MALFORMED'",
        [scenario["malformed_fixed"]],
    )
    lapsed = flag(db, scenario["malformed_lapsing"], "HS_MALFORMED")
    assert lapsed["is_overridden"] is False and lapsed["override_status"] == "lapsed"
    assert history_row(db, scenario["malformed_lapsing"], "HS_MALFORMED") == {
        "status": "open",
        "first_seen": run0,
        "last_seen": run2,
        "resolved": None,
    }
    (risk,) = query(
        db,
        "select open_flags, overridden_flags from marts.fct_product_risk where sku = ?",
        [scenario["malformed_lapsing"]],
    )
    assert risk == (1, 0)
