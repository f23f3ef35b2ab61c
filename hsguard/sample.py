"""Generate realistic product masters from real material, with a known mix of errors.

Descriptions and correct codes come from the bundled real CBP rulings and from real
HTSUS 2026 declarable lines; deliberate errors are injected at documented rates and
recorded in ``labels.csv`` (``kind,id,check_code``) so ``hsguard evaluate`` can measure
recall. The same seed always gives the same files.
"""

from __future__ import annotations

import csv
import random
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import polars as pl
from sortedcontainers import SortedList

from hsguard.codes import strip_separators
from hsguard.paths import REFERENCE_DIR
from hsguard.reference import parse_atlas_rulings, parse_cn, parse_hts, parse_hts_concordance

#: Share of products that carry each deliberate error (the rest are clean).
ERROR_RATES: dict[str, float] = {
    "HS_MISSING": 0.03,
    "HS_MALFORMED": 0.03,
    "HS_UNKNOWN": 0.02,
    "HS_NOT_DECLARABLE": 0.02,
    "HS_OUTDATED": 0.02,
    "HS_CROSS_SCHEME_MISMATCH": 0.02,
    "HS_RULING_CONFLICT": 0.02,
    "HS_RULING_INACTIVE": 0.01,
    "HS_PEER_INCONSISTENT": 0.02,
    "DUPLICATE_SKU": 0.01,
    "CLASSIFICATION_STALE": 0.02,
    "ECCN_MISSING": 0.01,
    "ECCN_MALFORMED": 0.01,
    "ECCN_UNKNOWN": 0.01,
    "ECCN_DUAL_USE_REVIEW": 0.02,
    "ECCN_HS_IMPLAUSIBLE": 0.01,
    "ECCN_PEER_INCONSISTENT": 0.01,
}
#: Share of shipment lines that carry each deliberate shipment-level error.
#: HS_TEXT_MISMATCH is made afterwards, from clean EAR99 products, with its own random
#: stream: adding it left every other row of the generated masters as it was.
TEXT_MISMATCH_RATE = 0.02
#: ECCN_TEXT_REVIEW: share of products given a controlled-sounding description while they
#: stay EAR99, made afterwards with its own random stream like HS_TEXT_MISMATCH. Each
#: template states parameters beyond the threshold of the CCL paragraph named beside it
#: (EAR Part 774 Supp. 1, eCFR 2026-07-23); the templates are not the evaluation set's
#: descriptions (data/evaluation/eccn_descriptions.csv).
ECCN_TEXT_REVIEW_RATE = 0.005
CONTROLLED_SOUNDING: tuple[tuple[str, str], ...] = (
    # 3A001.b.2: MMIC power amplifiers, > 5 W peak saturated output at 8.5-16 GHz
    ("GaN MMIC power amplifier, {f}-{f1} GHz, {w} W saturated output power", "3A001.b.2"),
    # 6A003.b.4 (6A002.a.3.f): imaging cameras with uncooled microbolometer arrays, > 9 Hz
    ("Uncooled microbolometer thermal imaging camera core, 640 x 512, {hz} Hz frame rate", "6A003.b.4"),
    # 7A002.a: gyros, bias stability < 0.5 degree per hour
    ("Fiber optic gyroscope for inertial navigation, bias drift 0.0{d} deg/h", "7A002.a"),
    # 6A005.b: continuous-wave fibre lasers 1000-1100 nm above the output power threshold
    ("Continuous-wave ytterbium fiber laser, 1070 nm, {kw} kW output power", "6A005.b"),
    # 5A002.a.1: information security as primary function, symmetric key > 56 bits
    ("Network encryptor appliance, AES 256-bit encryption of Ethernet links at {g} Gbit/s", "5A002.a.1"),
    # 1C350.c.10: triethanolamine (C.A.S. #102-71-6)
    ("Triethanolamine {p} %, CAS 102-71-6, 200 L drums", "1C350.c.10"),
    # 2B001.b: milling machines, unidirectional positioning repeatability <= 0.9 µm
    ("5-axis CNC milling machine, unidirectional positioning repeatability 0.{r} µm", "2B001.b"),
    # 8A001.c: unmanned untethered submersible vehicles
    ("Untethered autonomous underwater vehicle, depth rating {m} m, 40 km range", "8A001.c"),
)
SHIPMENT_ERROR_RATES: dict[str, float] = {
    "LICENSE_REQUIRED": 0.01,
    "EMBARGOED_DESTINATION": 0.005,
    "PARTY_SCREENING_HIT": 0.005,
}
EMBARGOED = ["CU", "IR", "KP", "SY"]
#: Product errors that leave a shipment line of the product without a usable ECCN.
UNDETERMINED_ECCN_ERRORS = {"ECCN_MISSING", "ECCN_MALFORMED", "ECCN_UNKNOWN"}
#: Bad rows added on top of the products (quarantined by the contract check).
BAD_ROW_SHARE = 0.005

ORIGINS = ["CN", "US", "DE", "MX", "VN", "JP", "KR", "TW", "IN", "IT", "CA", "TH", "MY", "FR", "GB"]
DESTINATIONS = ["DE", "FR", "GB", "CA", "MX", "JP", "KR", "AU", "NL", "IT", "ES", "SG", "BR", "IN", "CH"]


#: Legal-form words a near match does not misspell (the name's own words are what a typo hits).
NEAR_MATCH_LEGAL_WORDS = frozenset(
    {"LIMITED", "LIABILITY", "COMPANY", "CORPORATION", "INCORPORATED", "LLC", "LTD"}
)


def near_match(name: str) -> str:
    """A near match of a listed name: the middle letter of its longest word (letters only,
    legal-form words aside) changed. Only a word of 6+ letters is changed; a name whose
    words are shorter (an acronym or a short name such as "LLC RAK" or "AYAKS": one letter
    of 3-5 is no longer a typo of the same name, and screening matches short names exactly)
    is written as listed."""
    words = [m for m in re.finditer(r"[^\W\d_]+", name) if m.group().upper() not in NEAR_MATCH_LEGAL_WORDS]
    longest = max(words, key=lambda m: len(m.group()), default=None)
    if longest is None or len(longest.group()) < 6:
        return name
    k = longest.start() + len(longest.group()) // 2
    return name[:k] + ("x" if name[k].lower() != "x" else "y") + name[k + 1 :]


@dataclass(frozen=True)
class Material:
    description: str
    code: str  # declarable HTSUS 2026 reporting code (10 digits)
    ruling_id: str | None


_SECTIONS: dict[str, str] = {}


def _section(code: str) -> str:
    """The HS section (I-XXI) of a code's chapter, from the bundled HS 2022 nomenclature."""
    if not _SECTIONS:
        with (REFERENCE_DIR / "hs" / "hs2022.csv").open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["level"] == "2":
                    _SECTIONS[row["hscode"]] = row["section"]
    return _SECTIONS.get(code[:2], code[:2])


def _display(code: str, style: int) -> str:
    if style == 0:
        return f"{code[:4]}.{code[4:6]}.{code[6:]}"  # CBP style 0101.21.0010
    if style == 1:
        return code
    if style == 2:
        return f"{code[:4]}.{code[4:6]}.{code[6:8]}.{code[8:]}"
    return f"{code[:4]} {code[4:6]} {code[6:]}"


def description_key(text: str) -> str:
    """The same key the peer check uses (macro normalise_description): case and punctuation aside."""
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9%]+", " ", text.lower())).strip()


def _leaf_description(chain: str) -> str | None:
    parts = [p for p in chain.split(" > ") if p and not p.lower().startswith("other")]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return f"{parts[-1]} ({parts[-2]})"


def declarable_leaves(current: pl.DataFrame) -> list[tuple[str, str]]:
    """(10-digit code, full description) of every declarable line of a parsed HTSUS edition
    (chapters 98/99, the special provisions, left out)."""
    parents = set(current["parent_code"].drop_nulls().to_list())
    rows = current.filter(
        ~pl.col("code").is_in(list(parents))
        & ~pl.col("code").str.starts_with("99")
        & ~pl.col("code").str.starts_with("98")
    )
    return [
        (code + "00" if len(code) == 8 else code, chain)
        for code, chain in rows.select("code", "full_description").iter_rows()
    ]


def declarable_htsus_codes() -> list[str]:
    """The declarable HTSUS 2026 lines (sorted), from the bundled tariff."""
    current = parse_hts(REFERENCE_DIR / "us_hts" / "hts_2026_basic.csv", "2026")
    return sorted(code for code, _ in declarable_leaves(current))


def pick_far_code(own: str, codes: list[str], rng: random.Random) -> str:
    """A real declarable code of another HS section than ``own``'s (an obviously wrong
    declaration: a bucket declared as footwear)."""
    while True:
        other = rng.choice(codes)
        if _section(other) != _section(own):
            return other


class Tariff:
    """What the generator needs to know about the real tariff to make correct and wrong codes."""

    def __init__(self) -> None:
        editions = {
            ed: parse_hts(REFERENCE_DIR / "us_hts" / f"hts_{ed}_basic.csv", ed)
            for ed in ("2026", "2025", "2024")
        }
        current = editions["2026"]
        parents = set(current["parent_code"].drop_nulls().to_list())
        self.leaves: list[tuple[str, str]] = declarable_leaves(current)
        self.declarable = {code for code, _ in self.leaves}
        self.subdivided8 = sorted(c for c in parents if len(c) == 8 and not c.startswith(("98", "99")))
        self.every_code: set[str] = set()
        for frame in editions.values():
            for code in frame["code"].to_list():
                self.every_code.add(code)
                self.every_code.add(code.ljust(10, "0"))
        # HTSUS codes declarable in 2024/2025 but not in 2026 (HS_OUTDATED material)
        self.superseded: list[tuple[str, str]] = []
        for edition in ("2025", "2024"):
            frame = editions[edition]
            old_parents = set(frame["parent_code"].drop_nulls().to_list())
            for code, chain in (
                frame.filter(~pl.col("code").is_in(list(old_parents)))
                .select("code", "full_description")
                .iter_rows()
            ):
                reporting = code + "00" if len(code) == 8 else code
                if reporting not in self.declarable and not code.startswith(("98", "99")):
                    self.superseded.append((reporting, chain))
        self.superseded_codes = {code for code, _ in self.superseded}
        concordance = parse_hts_concordance(
            REFERENCE_DIR / "us_hts" / "hts10_revision_concordance_2025_2026.csv"
        )
        self.revised = set(
            concordance.filter(pl.col("change_type") != "added")["new_hts10"].drop_nulls().to_list()
        )
        cn = parse_cn(REFERENCE_DIR / "eu_cn" / "cn_codes_2026.json", "2026").filter(
            pl.col("code").str.len_chars() == 8
        )
        self.cn_by_hs6: dict[str, list[str]] = {}
        for code in cn["code"].to_list():
            self.cn_by_hs6.setdefault(code[:6], []).append(code)
        self.cn_codes = sorted(cn["code"].to_list())

        from hsguard.export_control_reference import (
            parse_ccl_eccns,
            parse_export_control_bridges,
            parse_screening_list,
        )

        ec = REFERENCE_DIR / "export_control"
        bridges = parse_export_control_bridges(
            ec / "bridges" / "chpl_hs6_tiers_2024-02-23.csv",
            ec / "bridges" / "china_mofcom_2026_hs10_to_control_code.csv",
            ec / "bridges" / "japan_catchall_hs.json",
        ).filter(pl.col("code_level") >= 4)
        self.review_codes = set(bridges["code"].to_list())
        self.ccl = set(parse_ccl_eccns(ec / "us_ear" / "ccl.json")["eccn"].to_list())
        names = parse_screening_list(
            REFERENCE_DIR / "screening" / "consolidated_screening_list_2026-07-31.json"
        )
        self.screened_names = sorted(n for n in names["name"].drop_nulls().to_list() if 15 <= len(n) <= 60)
        # an Entity List entry of one country (CN) whose licence requirement covers all items
        # subject to the EAR and whose name is no other entry's name or alias: a shipment to it
        # needs a licence whatever the item (15 CFR 744.11)
        aliases = [a for joined in names["alt_names"].drop_nulls().to_list() for a in joined.split("|")]
        seen = Counter(n.strip().lower() for n in names["name"].drop_nulls().to_list() + aliases)
        entity = names.filter(
            (pl.col("list_name") == "Entity List")
            & (pl.col("countries") == "CN")
            & pl.col("license_requirement").str.starts_with("For all items subject to the EAR")
            & pl.col("name").str.len_chars().is_between(15, 60)
        )
        self.entity_list_party: str = min(n for n in entity["name"].to_list() if seen[n.lower()] == 1)

    def on_review_list(self, code: str) -> bool:
        """The HS code is on a product-level export-control review list (needs an ECCN check)."""
        return code[:6] in self.review_codes or code[:4] in self.review_codes

    def unknown_eccn(self, rng: random.Random) -> str:
        while True:
            candidate = f"{rng.randrange(10)}{rng.choice('ABCDE')}{rng.randrange(1000):03d}"
            if candidate not in self.ccl:
                return candidate

    def cn_for(self, hts_code: str, rng: random.Random) -> str | None:
        options = self.cn_by_hs6.get(hts_code[:6])
        return rng.choice(options) if options else None

    def unknown_variant(self, code: str, rng: random.Random) -> str | None:
        for suffix in rng.sample(range(11, 100), 30):
            candidate = code[:8] + f"{suffix:02d}"
            if candidate not in self.every_code:
                return candidate
        return None

    def padded_subdivided(self, rng: random.Random) -> str:
        while True:
            line = rng.choice(self.subdivided8)
            candidate = line + "00"
            if candidate not in self.declarable and candidate not in self.superseded_codes:
                return candidate


def load_material(tariff: Tariff, rng: random.Random) -> tuple[list[Material], list[Material]]:
    rulings = parse_atlas_rulings(REFERENCE_DIR / "rulings" / "atlas_cross_rulings_validation.jsonl")
    material, seen = [], set()
    for ruling_id, description, code in rulings.select("ruling_id", "description", "hts_code").iter_rows():
        code = strip_separators(code)
        if (
            code in tariff.declarable
            and code[:6] in tariff.cn_by_hs6
            and description_key(description) not in seen
        ):
            seen.add(description_key(description))
            material.append(Material(description, code, ruling_id))
    leaves = list(tariff.leaves)
    rng.shuffle(leaves)
    for code, chain in leaves:
        description = _leaf_description(chain)
        if description and code[:6] in tariff.cn_by_hs6 and description_key(description) not in seen:
            seen.add(description_key(description))
            material.append(Material(description, code, None))
    # EAR99 goods whose HS code is on an export-control review list are rightly flagged
    # ECCN_DUAL_USE_REVIEW: they are the material for that error, never clean products.
    return (
        [m for m in material if not tariff.on_review_list(m.code)],
        [m for m in material if tariff.on_review_list(m.code)],
    )


def _add_controlled_sounding(
    rows: list[dict], labels: dict[str, set[str]], controlled: set[str], products: int, seed: int
) -> None:
    """ECCN_TEXT_REVIEW: a clean EAR99 product gets a description that states a controlled
    entry's parameters (CONTROLLED_SOUNDING) and stays EAR99."""
    rng = random.Random(f"{seed}-eccn-text-review")
    pool = [r for r in rows if not labels[r["sku"]] and r["eccn"] == "EAR99" and r["sku"] not in controlled]
    for row in rng.sample(pool, min(len(pool), max(1, round(products * ECCN_TEXT_REVIEW_RATE)))):
        template, _paragraph = rng.choice(CONTROLLED_SOUNDING)
        f = rng.randrange(9, 15)
        values = {
            "f": f,
            "f1": f + 1,
            "w": rng.randrange(6, 30),
            "hz": rng.choice([30, 50, 60]),
            "d": rng.randrange(1, 9),
            "kw": rng.randrange(2, 12),
            "g": rng.choice([10, 40, 100]),
            "p": rng.choice([98, 99]),
            "r": rng.randrange(5, 9),
            "m": rng.choice([1500, 3000, 6000]),
        }
        # a number, not the SKU, keeps it unique: the SKU's letters would be a word of the text
        row["description"] = f"{template.format(**values)}, item {row['sku'][3:]}"
        labels[row["sku"]] = {"ECCN_TEXT_REVIEW"}


def _add_text_mismatches(
    rows: list[dict],
    labels: dict[str, set[str]],
    controlled: set[str],
    material: list[Material],
    tariff: Tariff,
    products: int,
    seed: int,
) -> None:
    """HS_TEXT_MISMATCH: a clean EAR99 product gets the real, declarable HTSUS and CN codes
    of a product of another tariff section (its description points elsewhere; no ruling
    cited, so no ruling conflict)."""
    rng = random.Random(f"{seed}-text-mismatch")
    pool = [r for r in rows if not labels[r["sku"]] and r["eccn"] == "EAR99" and r["sku"] not in controlled]
    donors = material[:2000]
    for row in rng.sample(pool, min(len(pool), max(1, round(products * TEXT_MISMATCH_RATE)))):
        own = strip_separators(row["hts_code"])
        other = rng.choice([m for m in donors if _section(m.code) != _section(own)])
        cn = tariff.cn_for(other.code, rng)
        if cn is None or other.code in tariff.revised:
            continue
        row["hts_code"] = _display(other.code, rng.randrange(4))
        row["cn_code"] = cn
        row["ruling_ref"] = ""
        row["product_family"] = f"HTS chapter {other.code[:2]}"
        labels[row["sku"]] = {"HS_TEXT_MISMATCH"}


def generate(products: int, out: Path, seed: int = 42) -> dict:
    """Write products.csv, shipments.csv, rulings.csv and labels.csv to ``out``."""
    rng = random.Random(seed)
    tariff = Tariff()
    material, review_material = load_material(tariff, rng)
    rulings_first = [m for m in material if m.ruling_id]
    rest = [m for m in material if not m.ruling_id]
    rng.shuffle(rulings_first)
    ordered = rulings_first + rest

    errors: list[str | None] = []
    for check, rate in ERROR_RATES.items():
        errors += [check] * max(1, round(products * rate))
    errors += [None] * (products - len(errors))
    rng.shuffle(errors)

    start = date(2023, 1, 1)
    revision_cutoff = date(2026, 1, 1)
    rows: list[dict] = []
    labels: dict[str, set[str]] = {}
    used_descriptions: set[str] = set()
    ordered = [m for m in ordered]
    for i in range(products):
        item = ordered[i % len(ordered)]
        description = item.description
        if i >= len(ordered):
            description = f"{description} - model {i // len(ordered) + 1:03d}"
        sku = f"HG-{i + 1:06d}"
        error = errors[i]
        hts = item.code
        cn = tariff.cn_for(hts, rng)
        ruling_ref = item.ruling_id if i < len(ordered) else None
        classified = start + timedelta(days=rng.randrange(0, 1040))
        eccn = "EAR99"
        if error == "ECCN_DUAL_USE_REVIEW":
            item = rng.choice(review_material)
            hts, cn, ruling_ref = item.code, tariff.cn_for(item.code, rng), item.ruling_id
            description = (
                item.description
                if item.description not in used_descriptions
                else f"{item.description} - {sku}"
            )
        elif error == "ECCN_HS_IMPLAUSIBLE":
            textiles = [m for m in material[:3000] if "41" <= m.code[:2] <= "67"]
            item = rng.choice(textiles)
            hts, cn, ruling_ref, eccn = item.code, tariff.cn_for(item.code, rng), item.ruling_id, "5A002"
            description = f"{item.description} - {sku}"
        elif error == "ECCN_MISSING":
            eccn = ""
        elif error == "ECCN_MALFORMED":
            eccn = rng.choice(["5A02", "EAR-99X", "5X002", "A5002", "5A002/a"])
        elif error == "ECCN_UNKNOWN":
            eccn = tariff.unknown_eccn(rng)
        used_descriptions.add(description)
        hts_text = _display(hts, rng.randrange(4))
        if error == "HS_MISSING":
            hts_text = ""
        elif error == "HS_MALFORMED":
            if rng.random() < 0.5 and "0" in hts:
                hts_text = _display(hts, 0).replace("0", "O", 1)
            else:
                hts_text = hts[:7] if rng.random() < 0.5 else hts + str(rng.randrange(10))
        elif error == "HS_UNKNOWN":
            unknown = tariff.unknown_variant(hts, rng)
            if unknown is None:
                error = None
            else:
                hts_text = _display(unknown, 0)
        elif error == "HS_NOT_DECLARABLE":
            padded, cn = None, None
            while cn is None:
                padded = tariff.padded_subdivided(rng)
                cn = tariff.cn_for(padded, rng)
            hts_text = _display(padded, rng.choice([0, 2]))
        elif error == "HS_OUTDATED":
            old_code, cn = "", None
            while cn is None:
                old_code, _ = rng.choice(tariff.superseded)
                cn = tariff.cn_for(old_code, rng)
            hts_text, ruling_ref = _display(old_code, 0), None
        elif error == "HS_CROSS_SCHEME_MISMATCH":
            window = tariff.cn_codes[rng.randrange(len(tariff.cn_codes)) :][:200]
            other_chapter = [c for c in window if c[:2] != hts[:2]]
            if other_chapter:
                cn = rng.choice(other_chapter)
            else:
                error = None
        elif error == "HS_RULING_CONFLICT":
            if ruling_ref is None:  # cite a real ruling (not copying its text: that would be a peer clash)
                ruling_ref = rng.choice(rulings_first).ruling_id
            other = rng.choice([m for m in ordered[:2000] if m.code[:4] != hts[:4]])
            hts_text, cn = _display(other.code, 0), tariff.cn_for(other.code, rng)
        elif error == "HS_RULING_INACTIVE":
            ruling_ref = f"CROSS-ATLAS-VAL-{9000 + i % 1000:04d}"  # beyond the 200 real ones: not found
        elif error == "CLASSIFICATION_STALE":
            classified = date(2012, 1, 1) + timedelta(days=rng.randrange(0, 2000))
        if error is None and hts in tariff.revised and classified < revision_cutoff:
            classified = revision_cutoff + timedelta(days=rng.randrange(0, 200))
        labels[sku] = {error} if error else set()
        rows.append(
            {
                "sku": sku,
                "description": description,
                "hts_code": hts_text,
                "cn_code": (f"{cn[:4]} {cn[4:6]} {cn[6:]}" if rng.random() < 0.5 else cn) if cn else "",
                "eccn": eccn,
                "ruling_ref": ruling_ref or "",
                "product_family": f"HTS chapter {hts[:2]}",
                "country_of_origin": rng.choice(ORIGINS),
                "unit_value_usd": f"{rng.uniform(1, 2500):.2f}",
                "classified_at": classified.isoformat(),
            }
        )

    # indexed removal that keeps order in O(log n): same draws as list.pop(i), fast at 1M rows
    clean_rows = [r for r in rows if not labels[r["sku"]]]
    clean = SortedList(range(len(clean_rows)))
    peer_slots = [r for r in rows if labels[r["sku"]] == {"HS_PEER_INCONSISTENT"}]
    for row in peer_slots:
        if clean:
            peer = clean_rows[clean.pop(rng.randrange(len(clean)))]
            if (
                peer["hts_code"]
                and strip_separators(peer["hts_code"])[:6] != strip_separators(row["hts_code"])[:6]
            ):
                row["description"] = peer["description"]
                labels[peer["sku"]] = {"HS_PEER_INCONSISTENT"}
            else:
                labels[row["sku"]] = set()
    electronics_rows = [
        clean_rows[i]
        for i in clean
        if clean_rows[i]["hts_code"] and strip_separators(clean_rows[i]["hts_code"])[:2] in ("84", "85")
    ]
    electronics = SortedList(range(len(electronics_rows)))
    for row in [r for r in rows if labels[r["sku"]] == {"ECCN_PEER_INCONSISTENT"}]:
        if not electronics:
            labels[row["sku"]] = set()
            continue
        peer = electronics_rows[electronics.pop(rng.randrange(len(electronics)))]
        for column in ("description", "hts_code", "cn_code", "ruling_ref", "product_family"):
            row[column] = peer[column]
        row["eccn"] = "5A992.c"
        labels[peer["sku"]] = {"ECCN_PEER_INCONSISTENT"}
    controlled = set()
    for row in [electronics_rows[i] for i in electronics[: max(1, products // 50)]]:
        if not labels[row["sku"]]:
            row["eccn"] = rng.choice(["5A002", "3A001"])  # sample ECCN: shipments carry a licence
            controlled.add(row["sku"])
    for row in rows:
        well_formed = re.fullmatch(r"[0-9][A-E][0-9]{3}(\.[a-z0-9]+)*", row["eccn"]) is not None
        if well_formed and row["eccn"][:5] in tariff.ccl and not row["eccn"].endswith(".c"):
            controlled.add(row["sku"])
    _add_text_mismatches(rows, labels, controlled, ordered, tariff, products, seed)
    _add_controlled_sounding(rows, labels, controlled, products, seed)
    extra_rows = []
    for row in rows:
        if labels[row["sku"]] == {"DUPLICATE_SKU"}:
            twin = dict(row)
            twin["unit_value_usd"] = f"{float(row['unit_value_usd']) * 1.5 + 1:.2f}"
            extra_rows.append(twin)
    for twin in extra_rows:
        rows.insert(rng.randrange(len(rows) + 1), twin)

    bad_rows = max(3, round(products * BAD_ROW_SHARE))
    for k in range(bad_rows):
        template = dict(rows[rng.randrange(len(rows))])
        kind = k % 3
        if kind == 0:
            template["sku"] = ""
        elif kind == 1:
            template["description"] = ""
            template["sku"] = f"HG-BAD-{k + 1:04d}"
        else:
            template["unit_value_usd"] = "n/a"
            template["sku"] = f"HG-BAD-{k + 1:04d}"
        rows.insert(rng.randrange(len(rows) + 1), template)

    good_skus = [r["sku"] for r in rows if r["sku"] in labels]
    clean_ear99 = [
        r["sku"] for r in rows if r["sku"] in labels and not labels[r["sku"]] and r["eccn"] == "EAR99"
    ]
    must_ship = [sku for sku, checks in labels.items() if "ECCN_MISSING" in checks]
    shipment_rows, shipment_labels = [], []
    ship_start = date(2026, 1, 1)
    unit_values = {r["sku"]: float(r["unit_value_usd"]) for r in rows if r["sku"] in labels}
    total = products * 3
    plan: list[str | None] = []
    for check, rate in SHIPMENT_ERROR_RATES.items():
        plan += [check] * max(1, round(total * rate))
    plan += [None] * (total - len(plan))
    rng.shuffle(plan)
    controlled_list = sorted(controlled)
    eccn_of = {r["sku"]: r["eccn"] for r in rows}

    def add_shipment(n, sku, destination, license_ref, license_exception, end_user, errors) -> None:
        quantity = rng.randint(1, 500)
        shipment_id = f"SHP-{n + 1:07d}"
        shipment_rows.append(
            {
                "shipment_id": shipment_id,
                "sku": sku,
                "destination_country": destination,
                "ship_date": (ship_start + timedelta(days=rng.randrange(0, 320))).isoformat(),
                "quantity": str(quantity),
                "value_usd": f"{quantity * unit_values[sku]:.2f}",
                "license_ref": license_ref,
                "license_exception": license_exception,
                "end_user": end_user,
            }
        )
        shipment_labels.extend({"kind": "shipment", "id": shipment_id, "check_code": e} for e in errors)
        if not errors:
            shipment_labels.append({"kind": "clean_shipment", "id": shipment_id, "check_code": ""})

    for n in range(total):
        error = plan[n]
        sku = must_ship[n] if n < len(must_ship) else good_skus[rng.randrange(len(good_skus))]
        destination = rng.choice(DESTINATIONS)
        license_ref, license_exception, end_user = "", "", ""
        if error == "LICENSE_REQUIRED" and controlled_list:
            sku, destination = rng.choice(controlled_list), "CN"
        elif error == "EMBARGOED_DESTINATION":
            sku, destination = rng.choice(clean_ear99), rng.choice(EMBARGOED)
        elif error == "PARTY_SCREENING_HIT":
            sku = rng.choice(clean_ear99)
            end_user = rng.choice(tariff.screened_names)
            if rng.random() < 0.5:
                end_user = near_match(end_user)
        else:
            error = None
            if labels.get(sku, set()) & UNDETERMINED_ECCN_ERRORS:
                # no usable ECCN: the line's licence decision is undetermined (EXPORT_RULE_REVIEW)
                error = "EXPORT_RULE_REVIEW"
            elif sku in controlled:
                if rng.random() < 0.2 and "5A002" in eccn_of[sku]:
                    destination, license_exception = "CN", "ENC"  # exception recorded, not a missing licence
                else:
                    license_ref = f"LIC-SAMPLE-{n + 1:05d}"
                if destination != "CA" or eccn_of[sku] in ("5A002", "3A001"):
                    # 5A002 (EI, 15 CFR 742.15) and 3A001 (NS1) need a licence to every sample
                    # destination but Canada; to Canada too for their .z paragraphs (RS "to or
                    # within any destination worldwide", 15 CFR 742.6(a)(6)(iii)(A)), so an
                    # entry declared without its paragraph depends on it. Either way the
                    # recorded licence or exception is LICENSE_RECORDED.
                    error = "LICENSE_RECORDED"
        add_shipment(n, sku, destination, license_ref, license_exception, end_user, [error] if error else [])
    # and one line of a clean EAR99 product to an Entity List party written as listed, in its
    # country (CN): licence required under 15 CFR 744.11, none recorded
    add_shipment(
        total,
        clean_ear99[rng.randrange(len(clean_ear99))],
        "CN",
        "",
        "",
        tariff.entity_list_party,
        ["PARTY_SCREENING_HIT", "LICENSE_REQUIRED"],
    )

    label_rows = []
    for sku, checks in labels.items():
        if checks:
            label_rows += [{"kind": "sku", "id": sku, "check_code": c} for c in sorted(checks)]
        else:
            label_rows.append({"kind": "clean", "id": sku, "check_code": ""})
    out.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(rows).write_csv(out / "products.csv")
    pl.DataFrame(shipment_rows).write_csv(out / "shipments.csv")
    pl.DataFrame(label_rows + shipment_labels).write_csv(out / "labels.csv")
    rulings = parse_atlas_rulings(REFERENCE_DIR / "rulings" / "atlas_cross_rulings_validation.jsonl")
    rulings.drop("_row_number").write_csv(out / "rulings.csv")
    counts: dict[str, int] = {}
    for checks in labels.values():
        for check in checks:
            counts[check] = counts.get(check, 0) + 1
    for label in shipment_labels:
        if label["check_code"]:
            counts[label["check_code"]] = counts.get(label["check_code"], 0) + 1
    return {
        "products": products,
        "bad_rows": bad_rows,
        "product_rows": len(rows),
        "shipments": len(shipment_rows),
        "errors": dict(sorted(counts.items())),
        "clean_products": sum(1 for c in labels.values() if not c),
        "seed": seed,
    }


def generate_real_text(out: Path, seed: int = 42, far_share: float = 0.5) -> dict:
    """A product master whose descriptions are the bundled rulings' real descriptions, for
    measuring HS_TEXT_MISMATCH on text no generator wrote.

    One product per ruling whose code is a declarable HTSUS 2026 line (and not on an
    export-control review list, so the product is EAR99 and clean but for its HS code).
    A seeded ``far_share`` of them declare a real declarable HTSUS line of another HS
    section (labelled HS_TEXT_MISMATCH), the others their ruling's own code (labelled
    clean). The master cites no ruling and ships ``rulings.csv`` with its header only: the
    engine has no precedent for these texts, as for a new user's own goods.
    """
    rng = random.Random(f"{seed}-real-text")
    tariff = Tariff()
    rulings = parse_atlas_rulings(REFERENCE_DIR / "rulings" / "atlas_cross_rulings_validation.jsonl")
    far_codes = sorted(
        c for c in tariff.declarable if not tariff.on_review_list(c) and c not in tariff.revised
    )
    rows, label_rows, seen = [], [], set()
    for ruling_id, description, code in rulings.select("ruling_id", "description", "hts_code").iter_rows():
        code = strip_separators(code or "")
        key = description_key(description or "")
        if code not in tariff.declarable or tariff.on_review_list(code) or not key or key in seen:
            continue
        seen.add(key)
        sku = f"RT-{len(rows) + 1:04d}"
        far = rng.random() < far_share
        declared = pick_far_code(code, far_codes, rng) if far else code
        rows.append(
            {
                "sku": sku,
                "description": description,
                "hts_code": _display(declared, rng.randrange(4)),
                "eccn": "EAR99",
                "product_family": f"HTS chapter {declared[:2]}",
                "country_of_origin": rng.choice(ORIGINS),
                "unit_value_usd": f"{rng.uniform(2, 900):.2f}",
                "classified_at": (date(2026, 2, 1) + timedelta(days=rng.randrange(0, 200))).isoformat(),
                "source_ruling": ruling_id,
            }
        )
        label_rows.append(
            {"kind": "sku", "id": sku, "check_code": "HS_TEXT_MISMATCH"}
            if far
            else {"kind": "clean", "id": sku, "check_code": ""}
        )
    out.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(rows).write_csv(out / "products.csv")
    pl.DataFrame(label_rows).write_csv(out / "labels.csv")
    rulings.drop("_row_number").head(0).write_csv(out / "rulings.csv")
    positives = sum(1 for r in label_rows if r["kind"] == "sku")
    return {
        "products": len(rows),
        "bad_rows": 0,
        "product_rows": len(rows),
        "shipments": 0,
        "errors": {"HS_TEXT_MISMATCH": positives},
        "clean_products": len(rows) - positives,
        "seed": seed,
    }
