"""Benchmark: party screening of 100k distinct end users against the Consolidated Screening List.

    .venv/bin/python bench/bench_screening.py [--end-users 100000] [--keep DIR]

1. writes a sources folder: the bundled sample's products and one shipment line per end
   user, the end users being distinct generated names of the kinds an ERP holds (invented
   brand names, ordinary words, person names, each with an industry word and a legal form
   in several languages) and 1 % variants of real list names (a typo or another legal form),
   so the matcher finds real candidates;
2. loads it and the bundled reference data into a scratch DuckDB file and builds the
   upstream models (not timed);
3. times ``dbt run`` of the screening models (keys of the names to screen, matching,
   per-destination matches, per-line consequences, the mart) twice: cold (every end user's
   key computed) and warm (the next night: the same end users, keys kept from the previous
   build), and prints each model's time.

The list side (int_screening_list_names: keys of the list's ~60k names, the word weights and
the token index) is built in step 2 and timed separately: it depends on the list edition
only, so a nightly run reuses it.
Target (issue #21): 100k distinct end users in <= 60 s on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from hsguard.dbt import invoke_dbt  # noqa: E402
from hsguard.loading import load_reference, load_sources, read_sources  # noqa: E402
from hsguard.paths import REFERENCE_DIR  # noqa: E402
from hsguard.settings import apply_offline_defaults  # noqa: E402

SCREENING_MODELS = (
    "int_screening_party_names int_party_name_matches int_party_screening_matches "
    "int_shipment_party_consequences fct_party_screening_matches"
)
INDUSTRY = (
    "Trading", "Electronics", "Logistics", "Industries", "Technologies", "Engineering", "Foods",
    "Textiles", "Chemicals", "Machinery", "Systems", "Solutions", "Components", "Instruments",
    "Pharma", "Medical", "Energy", "Metals", "Plastics", "Automotive", "Marine", "Aerospace",
    "Software", "Precision", "Tools", "Optics", "Polymers", "Packaging", "Agro", "Devices",
)  # fmt: skip
WORDS = (
    "Blue", "Green", "Golden", "Silver", "North", "South", "East", "West", "Pacific", "Atlantic",
    "Alpine", "River", "Lake", "Mountain", "Star", "Sun", "Moon", "Eagle", "Lion", "Tiger",
    "Crown", "Royal", "Prime", "First", "United", "National", "Global", "General", "Modern",
    "Classic", "Bright", "Smart", "Rapid", "Future", "Delta", "Omega", "Alpha", "Nova", "Apex",
)  # fmt: skip
FIRST = (
    "John", "Maria", "Wei", "Ahmed", "Olga", "Carlos", "Yuki", "Anna", "Peter", "Fatima", "Luis",
    "Elena", "Hans", "Priya", "Ivan", "Sofia", "Chen", "Omar", "Laura", "Kenji", "Ana", "Mehmet",
)  # fmt: skip
LAST = (
    "Smith", "Garcia", "Wang", "Khan", "Ivanova", "Silva", "Tanaka", "Muller", "Rossi", "Kim",
    "Nguyen", "Novak", "Kowalski", "Jensen", "Dubois", "Schmidt", "Costa", "Yilmaz", "Sato",
    "Lopez", "Popescu", "Horvat", "Lindqvist", "Moreau", "Fischer", "Ozturk", "Haddad",
)  # fmt: skip
FORMS = (
    "Ltd", "Limited", "LLC", "Inc.", "GmbH", "S.A.", "S.A. de C.V.", "Co., Ltd.", "OOO", "AO",
    "Pvt Ltd", "Pte Ltd", "SARL", "S.r.l.", "B.V.", "AB", "Oy", "Sdn Bhd", "FZE", "JSC", "",
)  # fmt: skip
COUNTRIES = ("DE", "US", "CN", "JP", "IN", "BR", "MX", "FR", "GB", "AE", "TR", "KR", "SG", "RU", "IT")


def brand(rng: random.Random) -> str:
    syllables = [
        rng.choice("bcdfghjklmnprstvz").upper() if i == 0 else rng.choice("bcdfghklmnprstvxz")
        for i in range(1)
    ]
    word = syllables[0] + "".join(
        rng.choice("aeiou") + rng.choice("bcdfghklmnprstvxz") for _ in range(rng.randint(1, 3))
    )
    return word + rng.choice(("a", "o", "ex", "ix", "on", "", "tech", "tron"))


def end_user_names(count: int, rng: random.Random) -> list[str]:
    data = json.loads(
        (REFERENCE_DIR / "screening" / "consolidated_screening_list_2026-07-31.json").read_text()
    )
    listed = [e["n"] for e in data["entries"] if e.get("t") not in ("Vessel", "Aircraft")]
    names: set[str] = set()
    while len(names) < count:
        kind = rng.random()
        if kind < 0.01:  # a variant of a real list name
            name = rng.choice(listed)
            if rng.random() < 0.5 and len(name) > 8:
                k = rng.randrange(1, len(name) - 1)
                name = name[:k] + name[k + 1 :]
            else:
                name = f"{name} {rng.choice(FORMS)}"
        elif kind < 0.45:
            name = f"{brand(rng)} {rng.choice(INDUSTRY)} {rng.choice(FORMS)}"
        elif kind < 0.75:
            name = f"{rng.choice(WORDS)} {brand(rng)} {rng.choice(INDUSTRY)} {rng.choice(FORMS)}"
        else:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}-{brand(rng)}"
        names.add(" ".join(name.split()))
    return sorted(names)


def write_sources(folder: Path, count: int) -> int:
    rng = random.Random(21)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "data" / "sample" / "products.csv", folder / "products.csv")
    with (folder / "products.csv").open(encoding="utf-8") as handle:
        skus = [row["sku"] for row in csv.DictReader(handle)]
    names = end_user_names(count, rng)
    with (folder / "shipments.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["shipment_id", "sku", "destination_country", "ship_date", "quantity", "value_usd", "end_user"]
        )
        for n, name in enumerate(names, start=1):
            writer.writerow(
                [f"B{n:07d}", rng.choice(skus), rng.choice(COUNTRIES), "2026-06-01", 1, "100.00", name]
            )
    return len(names)


def run(args: list[str], database: Path, work: Path) -> float:
    started = time.perf_counter()
    result = invoke_dbt(args, database, work, {}, run_id="bench")
    seconds = time.perf_counter() - started
    if result.exception is not None or not result.success:
        raise SystemExit(f"dbt {' '.join(args)} failed: {result.exception}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--end-users", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="keep the scratch folder here (default: a temp dir)")
    options = parser.parse_args()
    apply_offline_defaults()

    work = options.keep or Path(tempfile.mkdtemp(prefix="hsguard-bench-screening-"))
    work.mkdir(parents=True, exist_ok=True)
    sources, database = work / "sources", work / "hsguard.duckdb"
    try:
        names = write_sources(sources, options.end_users)
        if database.exists():
            database.unlink()
        con = duckdb.connect(str(database))
        try:
            now = datetime.now(UTC)
            load_sources(con, read_sources(sources), "bench", now)
            load_reference(con, None, "bench", now)
            con.execute("checkpoint")
        finally:
            con.close()
        upstream = run(
            ["build", "--select", "+int_shipment_lines_classified", "screening_evaluation_names",
             "screening_list_consequences", "+stg_erp__screening_overrides", "--exclude",
             "test_type:data", "test_type:unit"],
            database, work,
        )  # fmt: skip
        list_side = run(["run", "--select", "+int_screening_list_block_keys"], database, work)
        print(f"{names} distinct end users; upstream models (not timed) {upstream:.1f} s")
        print(f"list side (names keyed, word weights, token index), once per list edition: {list_side:.1f} s")

        seconds = run(["run", "--select", *SCREENING_MODELS.split()], database, work)
        results = json.loads((work / "dbt_target" / "run_results.json").read_text())["results"]
        # the next night: the same end users, their keys kept from the first run (the matching
        # itself runs again: outside the nightly flow nothing is reused)
        warm = run(["run", "--select", *SCREENING_MODELS.split()], database, work)
        warm_results = json.loads((work / "dbt_target" / "run_results.json").read_text())["results"]
        con = duckdb.connect(str(database), read_only=True)
        try:
            matches, users, by_severity = con.execute(
                "select count(*), count(distinct end_user), "
                "string_agg(distinct severity, ',' order by severity) from marts.fct_party_screening_matches"
            ).fetchone()
            counts = con.execute(
                "select severity, count(distinct end_user) from marts.fct_party_screening_matches "
                "where strength_rank = 1 group by severity order by severity"
            ).fetchall()
        finally:
            con.close()
        print()
        warm_times = {r["unique_id"]: r["execution_time"] for r in warm_results}
        print(f"  {'model':<40} {'cold':>7} {'warm':>7}")
        for r in sorted(results, key=lambda r: -r["execution_time"]):
            name = r["unique_id"].split(".")[-1]
            print(f"  {name:<40} {r['execution_time']:6.1f}s {warm_times.get(r['unique_id'], 0):6.1f}s")
        print()
        print(
            f"screening: {names} distinct end users in {seconds:.1f} s cold (every key computed), "
            f"{warm:.1f} s warm (keys kept from the previous build); "
            f"{matches} matches for {users} end users (strongest per end user: {dict(counts)})"
        )
    finally:
        if options.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
