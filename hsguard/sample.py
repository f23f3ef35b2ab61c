"""Generate realistic product masters from real material, with a known mix of errors.

Descriptions and correct codes come from the bundled real CBP rulings and from real
HTSUS 2026 declarable lines; deliberate errors are injected at documented rates and
recorded in ``labels.csv`` (``kind,id,check_code``) so ``hsguard evaluate`` can measure
recall. The same seed always gives the same files.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from hsguard.codes import strip_separators
from hsguard.paths import REFERENCE_DIR
from hsguard.reference import parse_atlas_rulings, parse_hts

#: Share of products that carry each deliberate error (the rest are clean).
ERROR_RATES: dict[str, float] = {
    "HS_MISSING": 0.04,
    "HS_MALFORMED": 0.04,
    "HS_UNKNOWN": 0.03,
    "HS_NOT_DECLARABLE": 0.03,
}
#: Bad rows added on top of the products (quarantined by the contract check).
BAD_ROW_SHARE = 0.005

ORIGINS = ["CN", "US", "DE", "MX", "VN", "JP", "KR", "TW", "IN", "IT", "CA", "TH", "MY", "FR", "GB"]
DESTINATIONS = ["DE", "FR", "GB", "CA", "MX", "JP", "KR", "AU", "NL", "IT", "ES", "SG", "BR", "IN", "CH"]


@dataclass(frozen=True)
class Material:
    description: str
    code: str  # declarable HTSUS 2026 reporting code (10 digits)
    ruling_id: str | None


def _display(code: str, style: int) -> str:
    if style == 0:
        return f"{code[:4]}.{code[4:6]}.{code[6:]}"  # CBP style 0101.21.0010
    if style == 1:
        return code
    if style == 2:
        return f"{code[:4]}.{code[4:6]}.{code[6:8]}.{code[8:]}"
    return f"{code[:4]} {code[4:6]} {code[6:]}"


def _leaf_description(chain: str) -> str | None:
    parts = [p for p in chain.split(" > ") if p and not p.lower().startswith("other")]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return f"{parts[-1]} ({parts[-2]})"


class Tariff:
    """What the generator needs to know about the real tariff to make correct and wrong codes."""

    def __init__(self) -> None:
        editions = {
            ed: parse_hts(REFERENCE_DIR / "us_hts" / f"hts_{ed}_basic.csv", ed)
            for ed in ("2026", "2025", "2024")
        }
        current = editions["2026"]
        parents = set(current["parent_code"].drop_nulls().to_list())
        rows = current.filter(
            ~pl.col("code").is_in(list(parents))
            & ~pl.col("code").str.starts_with("99")
            & ~pl.col("code").str.starts_with("98")
        )
        self.leaves: list[tuple[str, str]] = [
            (code + "00" if len(code) == 8 else code, chain)
            for code, chain in rows.select("code", "full_description").iter_rows()
        ]
        self.declarable = {code for code, _ in self.leaves}
        self.subdivided8 = sorted(c for c in parents if len(c) == 8 and not c.startswith(("98", "99")))
        self.every_code: set[str] = set()
        for frame in editions.values():
            for code in frame["code"].to_list():
                self.every_code.add(code)
                self.every_code.add(code.ljust(10, "0"))

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
            if candidate not in self.declarable and candidate not in self.every_code - {line.ljust(10, "0")}:
                return candidate


def load_material(tariff: Tariff, rng: random.Random) -> list[Material]:
    rulings = parse_atlas_rulings(REFERENCE_DIR / "rulings" / "atlas_cross_rulings_validation.jsonl")
    material = []
    for ruling_id, description, code in rulings.select("ruling_id", "description", "hts_code").iter_rows():
        code = strip_separators(code)
        if code in tariff.declarable:
            material.append(Material(description, code, ruling_id))
    leaves = list(tariff.leaves)
    rng.shuffle(leaves)
    for code, chain in leaves:
        description = _leaf_description(chain)
        if description:
            material.append(Material(description, code, None))
    return material


def generate(products: int, out: Path, seed: int = 42) -> dict:
    """Write products.csv, shipments.csv, rulings.csv and labels.csv to ``out``."""
    rng = random.Random(seed)
    tariff = Tariff()
    material = load_material(tariff, rng)
    rulings_first = [m for m in material if m.ruling_id]
    rest = [m for m in material if not m.ruling_id]
    rng.shuffle(rulings_first)
    ordered = rulings_first + rest

    errors: list[str | None] = []
    for check, rate in ERROR_RATES.items():
        errors += [check] * max(1, round(products * rate))
    errors += [None] * (products - len(errors))
    rng.shuffle(errors)

    product_rows, labels = [], []
    start = date(2023, 1, 1)
    for i in range(products):
        item = ordered[i % len(ordered)]
        description = item.description
        if i >= len(ordered):
            description = f"{description} - model {i // len(ordered) + 1:03d}"
        sku = f"HG-{i + 1:06d}"
        error = errors[i]
        code = _display(item.code, rng.randrange(4))
        ruling_ref = item.ruling_id if error is None and i < len(ordered) else None
        if error == "HS_MISSING":
            code = ""
        elif error == "HS_MALFORMED":
            if rng.random() < 0.5 and "0" in code:
                code = code.replace("0", "O", 1)
            else:
                digits = item.code
                code = digits[:7] if rng.random() < 0.5 else digits + str(rng.randrange(10))
        elif error == "HS_UNKNOWN":
            unknown = tariff.unknown_variant(item.code, rng)
            if unknown is None:
                error, code = None, _display(item.code, 0)
            else:
                code = _display(unknown, 0)
        elif error == "HS_NOT_DECLARABLE":
            code = _display(tariff.padded_subdivided(rng), rng.choice([0, 2]))
        labels.append({"kind": "sku" if error else "clean", "id": sku, "check_code": error or ""})
        product_rows.append(
            {
                "sku": sku,
                "description": description,
                "hts_code": code,
                "eccn": "EAR99",
                "ruling_ref": ruling_ref or "",
                "product_family": f"HTS chapter {item.code[:2]}",
                "country_of_origin": rng.choice(ORIGINS),
                "unit_value_usd": f"{rng.uniform(1, 2500):.2f}",
                "classified_at": (start + timedelta(days=rng.randrange(0, 1400))).isoformat(),
            }
        )

    bad_rows = max(3, round(products * BAD_ROW_SHARE))
    for k in range(bad_rows):
        template = dict(product_rows[rng.randrange(products)])
        kind = k % 3
        if kind == 0:
            template["sku"] = ""
        elif kind == 1:
            template["description"] = ""
        else:
            template["unit_value_usd"] = "n/a"
        template["sku"] = template["sku"] and f"HG-BAD-{k + 1:04d}"
        product_rows.insert(rng.randrange(len(product_rows) + 1), template)

    shipment_rows = []
    ship_start = date(2026, 1, 1)
    for n in range(products * 3):
        product = product_rows[rng.randrange(len(product_rows))]
        while not product["sku"] or product["sku"].startswith("HG-BAD") or not product["description"]:
            product = product_rows[rng.randrange(len(product_rows))]
        quantity = rng.randint(1, 500)
        shipment_id = f"SHP-{n + 1:07d}"
        shipment_rows.append(
            {
                "shipment_id": shipment_id,
                "sku": product["sku"],
                "destination_country": rng.choice(DESTINATIONS),
                "ship_date": (ship_start + timedelta(days=rng.randrange(0, 320))).isoformat(),
                "quantity": str(quantity),
                "value_usd": f"{quantity * float(product['unit_value_usd']):.2f}",
                "license_ref": "",
                "license_exception": "",
                "end_user": "",
            }
        )
        labels.append({"kind": "clean_shipment", "id": shipment_id, "check_code": ""})

    out.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(product_rows).write_csv(out / "products.csv")
    pl.DataFrame(shipment_rows).write_csv(out / "shipments.csv")
    pl.DataFrame(labels).write_csv(out / "labels.csv")
    rulings = parse_atlas_rulings(REFERENCE_DIR / "rulings" / "atlas_cross_rulings_validation.jsonl")
    rulings.drop("_row_number").write_csv(out / "rulings.csv")
    counts = {check: sum(1 for e in errors if e == check) for check in ERROR_RATES}
    return {
        "products": products,
        "bad_rows": bad_rows,
        "product_rows": len(product_rows),
        "shipments": len(shipment_rows),
        "errors": counts,
        "clean_products": sum(1 for e in errors if e is None),
        "seed": seed,
    }
