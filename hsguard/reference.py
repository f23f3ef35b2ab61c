"""Parsers for the bundled real reference data (tariffs, rulings, ...) into tidy Polars frames.

Each parser reads one file in its published format and returns rows ready for a
``raw.*`` table; the dbt staging models only rename and cast. Pure functions: no
Prefect, no database.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from hsguard.paths import REFERENCE_DIR

CHAIN_SEPARATOR = " > "


def _clean_description(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").strip()).rstrip(":").strip()


def parse_hs_nomenclature(path: Path, edition: str) -> pl.DataFrame:
    """HS tree (``section,hscode,description,parent,level``) with each code's ancestor chain."""
    frame = pl.read_csv(path, infer_schema=False).filter(pl.col("hscode") != "TOTAL")
    codes = frame["hscode"].to_list()
    parents = dict(zip(codes, frame["parent"].to_list(), strict=True))
    own = dict(zip(codes, (_clean_description(d) for d in frame["description"]), strict=True))
    chains = []
    for code in codes:
        chain, node = [], code
        while node in own:
            chain.append(own[node])
            node = parents.get(node)
        chains.append(CHAIN_SEPARATOR.join(reversed(chain)))
    return frame.select(
        pl.lit(edition).alias("edition"),
        pl.col("section"),
        pl.col("hscode").alias("code"),
        pl.col("description"),
        pl.when(pl.col("parent") == "TOTAL").then(None).otherwise(pl.col("parent")).alias("parent_code"),
        pl.col("level").cast(pl.Int32),
        pl.Series("full_description", chains),
        pl.int_range(2, pl.len() + 2).alias("_row_number"),
    )


def parse_units(raw: str | None) -> str | None:
    """``["kg","No."]`` (the USITC export's JSON-like unit list) -> ``kg, No.``."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        values = json.loads(text)
    except json.JSONDecodeError:
        values = [v.strip().strip('"') for v in text.strip("[]").split(",")]
    if isinstance(values, str):
        values = [values]
    units = [str(v).strip() for v in values if str(v).strip()]
    return ", ".join(units) or None


def parse_hts(path: Path, edition: str) -> pl.DataFrame:
    """USITC HTSUS export -> one row per coded line with parent and full ancestor description.

    Rows without an HTS number are indent-only labels ("Horses:"): they carry no code but
    their text belongs to the meaning of every line below them (GRI 6), so it is kept in
    ``full_description``. A line's parent is the nearest coded line above it with a
    smaller indent.
    """
    frame = pl.read_csv(path, infer_schema=False)
    numbers = frame["HTS Number"].to_list()
    indents = frame["Indent"].to_list()
    descriptions = frame["Description"].to_list()
    stack: list[tuple[int, str | None, str]] = []  # (indent, code, description)
    out_parent, out_chain, out_indent, keep = [], [], [], []
    for i, (number, indent_text, description) in enumerate(zip(numbers, indents, descriptions, strict=True)):
        indent = int(indent_text or 0)
        code = (number or "").replace(".", "").strip() or None
        text = _clean_description(description)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if code:
            parent = next((c for _, c, _ in reversed(stack) if c), None)
            chain = [d for _, _, d in stack] + [text]
            out_parent.append(parent)
            out_chain.append(CHAIN_SEPARATOR.join(d for d in chain if d))
            out_indent.append(indent)
            keep.append(i)
        stack.append((indent, code, text))
    lines = frame.with_row_index("_row_number", offset=2)[keep]
    return lines.select(
        pl.lit(edition).alias("edition"),
        pl.col("HTS Number").str.replace_all(r"\.", "").str.strip_chars().alias("code"),
        pl.col("HTS Number").alias("code_display"),
        pl.Series("indent", out_indent, dtype=pl.Int32),
        pl.col("Description").alias("description"),
        pl.Series("parent_code", out_parent, dtype=pl.Utf8),
        pl.Series("full_description", out_chain, dtype=pl.Utf8),
        pl.col("Unit of Quantity").map_elements(parse_units, return_dtype=pl.Utf8).alias("units"),
        pl.col("General Rate of Duty").alias("general_rate"),
        pl.col("Special Rate of Duty").alias("special_rate"),
        pl.col("Column 2 Rate of Duty").alias("column2_rate"),
        pl.col("Quota Quantity").alias("quota_quantity"),
        pl.col("Additional Duties").alias("additional_duties"),
        pl.col("_row_number").cast(pl.Int64),
    )


_QUESTION = re.compile(r"^What is the HTS US Code for\s+(.*?)\??\s*$", re.S)
_ANSWER = re.compile(r"HTS US Code\s*->\s*([0-9][0-9.\s]*[0-9])")
_REASONING = re.compile(r"Reasoning\s*->\s*(.*)$", re.S)

ATLAS_ID_PREFIX = "CROSS-ATLAS-VAL-"


def parse_atlas_rulings(path: Path) -> pl.DataFrame:
    """The bundled CBP CROSS rulings (ATLAS validation split, chat records) as ruling rows.

    The source has no ruling numbers or dates, so ids say where a ruling comes from
    (``CROSS-ATLAS-VAL-0001`` = line 1 of the file) and ``issued_date`` stays empty.
    """
    rows = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        messages = json.loads(line)["messages"]
        question = next(m["content"] for m in messages if m["role"] == "user")
        answer = next(m["content"] for m in messages if m["role"] == "assistant")
        described = _QUESTION.match(question.strip())
        code = _ANSWER.search(answer)
        reasoning = _REASONING.search(answer)
        rows.append(
            {
                "ruling_id": f"{ATLAS_ID_PREFIX}{line_no:04d}",
                "authority": "CBP",
                "issued_date": None,
                "status": "active",
                "description": (described.group(1) if described else question).strip(),
                "hts_code": code.group(1).strip() if code else None,
                "cn_code": None,
                "reasoning": reasoning.group(1).strip() if reasoning else answer.strip(),
                "_row_number": line_no,
            }
        )
    return pl.DataFrame(rows, schema_overrides={"issued_date": pl.Utf8, "cn_code": pl.Utf8})


@dataclass(frozen=True)
class ReferenceFile:
    """One bundled reference file, the raw table it loads into, and its parser."""

    relative_path: str
    raw_table: str
    parse: Callable[[Path], pl.DataFrame]
    dataset: str
    edition: str

    @property
    def bundled_path(self) -> Path:
        return REFERENCE_DIR / self.relative_path

    def resolve(self, override_dir: Path | None) -> Path:
        """A file of the same name in ``<sources>/reference/`` replaces the bundled one."""
        if override_dir is not None:
            candidate = override_dir / Path(self.relative_path).name
            if candidate.is_file():
                return candidate
        return self.bundled_path


REFERENCE_FILES: tuple[ReferenceFile, ...] = (
    ReferenceFile(
        "hs/hs2022.csv",
        "ref_hs_nomenclature",
        lambda p: parse_hs_nomenclature(p, "2022"),
        "HS nomenclature (UN Comtrade)",
        "HS 2022",
    ),
    ReferenceFile(
        "us_hts/hts_2026_basic.csv",
        "ref_hts_lines",
        lambda p: parse_hts(p, "2026"),
        "HTSUS (USITC)",
        "2026 Basic",
    ),
    ReferenceFile(
        "rulings/atlas_cross_rulings_validation.jsonl",
        "ref_cbp_rulings",
        parse_atlas_rulings,
        "CBP CROSS rulings (ATLAS validation split)",
        "before 2025",
    ),
)
