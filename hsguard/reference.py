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
from hsguard.sources import confined

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
        chain, node, seen = [], code, set()
        while node in own and node not in seen:
            seen.add(node)
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


def _sibling(path: Path, name: str) -> Path:
    """A companion file next to ``path`` (user override folder), else the bundled one."""
    candidate = path.parent / name
    return candidate if candidate.is_file() else REFERENCE_DIR / "eu_cn" / name


def parse_cn(codes_path: Path, edition: str) -> pl.DataFrame:
    """EU Combined Nomenclature: CN8 codes plus the chapters, headings and subheadings above them.

    The CN export lists only some headings; a heading it lacks is taken from HS 2022 (CN
    headings are the HS headings, word for word), and ``source_file`` says so.
    """
    cn8 = pl.read_json(codes_path, infer_schema_length=None)
    subheadings = pl.read_json(
        _sibling(codes_path, f"cn_subheadings_{edition}.json"), infer_schema_length=None
    )
    headings = pl.read_json(_sibling(codes_path, f"cn_headings_{edition}.json"), infer_schema_length=None)
    chapters = pl.read_json(_sibling(codes_path, f"cn_chapters_{edition}.json"), infer_schema_length=None)
    hs = pl.read_csv(REFERENCE_DIR / "hs" / "hs2022.csv", infer_schema=False)

    text = {}
    for frame in (chapters, headings, subheadings):
        text.update(zip(frame["code"].to_list(), (_clean_description(n) for n in frame["name"]), strict=True))
    hs_text = dict(
        zip(hs["hscode"].to_list(), (_clean_description(d) for d in hs["description"]), strict=True)
    )
    needed_headings = {c[:4] for c in cn8["code"].to_list()} | {c[:4] for c in subheadings["code"].to_list()}
    borrowed = sorted(h for h in needed_headings if h not in text and h in hs_text)
    for h in borrowed:
        text[h] = hs_text[h]

    rows = []
    for code, raw in zip(chapters["code"], chapters["rawCode"], strict=True):
        rows.append((code, raw, None, text[code], "chapters", None))
    for code, raw in zip(headings["code"], headings["rawCode"], strict=True):
        rows.append((code, raw, code[:2], text[code], "headings", None))
    for code in borrowed:
        rows.append((code, code, code[:2], text[code], "hs2022", None))
    for code, raw in zip(subheadings["code"], subheadings["rawCode"], strict=True):
        # the 2025 export lists heading 0702 among its subheadings: its parent is the chapter
        rows.append((code, raw, code[:4] if len(code) > 4 else code[:2], text[code], "subheadings", None))
    for code, raw, name, sub, unit in zip(
        cn8["code"], cn8["rawCode"], cn8["name"], cn8["subheading"], cn8["supplementaryUnit"], strict=True
    ):
        rows.append((code, raw, sub or code[:4], _clean_description(name), "codes", unit))

    parents = {r[0]: r[2] for r in rows}
    own = {r[0]: r[3] for r in rows}
    chains = []
    for code, *_ in rows:
        chain, node, seen = [], code, set()
        while node is not None and node in own and node not in seen:
            seen.add(node)
            chain.append(own[node])
            node = parents.get(node)
        chains.append(CHAIN_SEPARATOR.join(reversed(chain)))
    source_names = {
        "chapters": f"eu_cn/cn_chapters_{edition}.json",
        "headings": f"eu_cn/cn_headings_{edition}.json",
        "hs2022": "hs/hs2022.csv (heading absent from the CN export)",
        "subheadings": f"eu_cn/cn_subheadings_{edition}.json",
        "codes": f"eu_cn/cn_codes_{edition}.json",
    }
    return pl.DataFrame(
        {
            "edition": [edition] * len(rows),
            "code": [r[0] for r in rows],
            "code_display": [r[1] for r in rows],
            "parent_code": [r[2] for r in rows],
            "description": [r[3] for r in rows],
            "full_description": chains,
            "units": [r[5] for r in rows],
            "part": [source_names[r[4]] for r in rows],
            "_row_number": list(range(1, len(rows) + 1)),
        },
        schema_overrides={"parent_code": pl.Utf8, "units": pl.Utf8},
    )


def parse_hs_correlation(path: Path) -> pl.DataFrame:
    """UNSD HS 2022 <-> HS 2017 correlation (``hs2022,hs2017,relationship``)."""
    frame = pl.read_csv(path, infer_schema=False)
    return frame.select(
        pl.col("hs2022").str.strip_chars().alias("hs2022_code"),
        pl.col("hs2017").str.strip_chars().alias("hs2017_code"),
        pl.col("relationship").str.strip_chars(),
        pl.int_range(2, pl.len() + 2).alias("_row_number"),
    )


def parse_hts_concordance(path: Path) -> pl.DataFrame:
    """HTS10 revision concordance 2025 -> 2026 (``NA`` means no code / no value)."""
    frame = pl.read_csv(path, infer_schema=False, null_values=["NA", ""])
    return frame.with_columns(pl.int_range(2, pl.len() + 2).alias("_row_number"))


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
                return confined(candidate, override_dir, f"reference/{candidate.name}")
        return self.bundled_path


def _hs(edition: str) -> Callable[[Path], pl.DataFrame]:
    return lambda p: parse_hs_nomenclature(p, edition)


def _hts(edition: str) -> Callable[[Path], pl.DataFrame]:
    return lambda p: parse_hts(p, edition)


def _cn(edition: str) -> Callable[[Path], pl.DataFrame]:
    return lambda p: parse_cn(p, edition)


def _beside(path: Path, bundled_relative: str) -> Path:
    """A companion file: next to ``path`` when the user replaced it, else the bundled one."""
    candidate = path.parent / Path(bundled_relative).name
    return candidate if candidate.is_file() else REFERENCE_DIR / bundled_relative


def _chart(path: Path) -> pl.DataFrame:
    from hsguard.export_control_reference import parse_country_chart

    return parse_country_chart(path, _beside(path, "export_control/us_ear/country_chart_iso2.json"))


def _groups(path: Path) -> pl.DataFrame:
    from hsguard.export_control_reference import parse_country_groups

    return parse_country_groups(path, _beside(path, "export_control/us_ear/country_groups_iso2.json"))


def _bridges(path: Path) -> pl.DataFrame:
    from hsguard.export_control_reference import parse_export_control_bridges

    return parse_export_control_bridges(
        path,
        _beside(path, "export_control/bridges/china_mofcom_2026_hs10_to_control_code.csv"),
        _beside(path, "export_control/bridges/japan_catchall_hs.json"),
    )


def _paragraphs(path: Path) -> pl.DataFrame:
    from hsguard.export_control_reference import parse_ccl_paragraphs

    return parse_ccl_paragraphs(
        path, _beside(path, "export_control/eu/annex_i_2021-821_consolidated_2025-11-15.json")
    )


def _paragraph_texts(path: Path) -> pl.DataFrame:
    from hsguard.eccn_texts import parse_ccl_paragraphs

    return parse_ccl_paragraphs(
        path, _beside(path, "export_control/eu/annex_i_2021-821_consolidated_2025-11-15.json")
    )


def _export(name: str) -> Callable[[Path], pl.DataFrame]:
    def parse(path: Path) -> pl.DataFrame:
        from hsguard import export_control_reference

        return getattr(export_control_reference, name)(path)

    return parse


def _texts(name: str) -> Callable[[Path], pl.DataFrame]:
    def parse(path: Path) -> pl.DataFrame:
        from hsguard import eccn_texts

        return getattr(eccn_texts, name)(path)

    return parse


EAR = "export_control/us_ear/"

# The binding-rulings sample is not here: it is the default of the rulings *source*
# (hsguard.loading), replaced by the user's rulings.csv when one is given.
REFERENCE_FILES: tuple[ReferenceFile, ...] = (
    ReferenceFile(
        "hs/hs2022.csv", "ref_hs_nomenclature", _hs("2022"), "HS nomenclature (UN Comtrade)", "HS 2022"
    ),
    ReferenceFile(
        "hs/hs2017.csv", "ref_hs_nomenclature", _hs("2017"), "HS nomenclature (UN Comtrade)", "HS 2017"
    ),
    ReferenceFile(
        "hs/hs2022_hs2017_correlation.csv",
        "ref_hs_correlation",
        parse_hs_correlation,
        "HS 2022-2017 correlation (UNSD)",
        "2022/2017",
    ),
    ReferenceFile("us_hts/hts_2026_basic.csv", "ref_hts_lines", _hts("2026"), "HTSUS (USITC)", "2026 Basic"),
    ReferenceFile("us_hts/hts_2025_basic.csv", "ref_hts_lines", _hts("2025"), "HTSUS (USITC)", "2025 Basic"),
    ReferenceFile("us_hts/hts_2024_basic.csv", "ref_hts_lines", _hts("2024"), "HTSUS (USITC)", "2024 Basic"),
    ReferenceFile(
        "us_hts/hts10_revision_concordance_2025_2026.csv",
        "ref_hts_revision_concordance",
        parse_hts_concordance,
        "HTS10 revision concordance (USITC via Yale Budget Lab)",
        "2025 rev 15 -> 2026 rev 2",
    ),
    ReferenceFile(
        "eu_cn/cn_codes_2026.json", "ref_cn_lines", _cn("2026"), "EU Combined Nomenclature", "CN 2026"
    ),
    ReferenceFile(
        "eu_cn/cn_codes_2025.json", "ref_cn_lines", _cn("2025"), "EU Combined Nomenclature", "CN 2025"
    ),
    ReferenceFile(
        EAR + "ccl.json",
        "ref_ccl_eccns",
        _export("parse_ccl_eccns"),
        "Commerce Control List (EAR Part 774 Supp. 1)",
        "eCFR 2026-07-23",
    ),
    ReferenceFile(
        EAR + "ccl.json",
        "ref_ccl_license_requirements",
        _export("parse_ccl_license_requirements"),
        "CCL licence requirements",
        "eCFR 2026-07-23",
    ),
    ReferenceFile(
        EAR + "ccl.json",
        "ref_ccl_requirement_scopes",
        _export("parse_ccl_requirement_scopes"),
        "CCL licence-requirement scopes (paragraphs covered / excluded)",
        "eCFR 2026-07-23",
    ),
    ReferenceFile(
        EAR + "ccl.json",
        "ref_ccl_paragraphs",
        _paragraphs,
        "CCL paragraphs per entry (item text bundled for categories 1, 3, 4, 5)",
        "eCFR 2026-07-23",
    ),
    ReferenceFile(
        EAR + "ccl.json",
        "ref_ccl_paragraph_texts",
        _paragraph_texts,
        "CCL headings and item paragraphs (ECCN candidates)",
        "eCFR 2026-07-23",
    ),
    ReferenceFile(
        EAR + "license_exceptions.json",
        "ref_license_exceptions",
        _export("parse_license_exceptions"),
        "Licence exceptions (EAR Part 740)",
        "2026",
    ),
    ReferenceFile(
        EAR + "country_chart.json",
        "ref_country_chart",
        _chart,
        "Commerce Country Chart (EAR Part 738 Supp. 1)",
        "eCFR 2026-07-23",
    ),
    ReferenceFile(
        EAR + "country_groups.json",
        "ref_country_groups",
        _groups,
        "Country Groups (EAR Part 740 Supp. 1)",
        "eCFR 2026-07-23",
    ),
    ReferenceFile(
        EAR + "ear_part746_hs_lists_and_meu.json",
        "ref_ear746_hs_lists",
        _export("parse_ear746_hs_lists"),
        "EAR Part 746 Supp. 2/4/5/7 HS-6 lists",
        "eCFR 2026-09-24",
    ),
    ReferenceFile(
        EAR + "ear_part746_hs_lists_and_meu.json",
        "ref_ear_meu_eccns",
        _export("parse_military_end_user_eccns"),
        "Military end-use/end-user items (EAR Part 744 Supp. 2)",
        "eCFR 2026-09-24",
    ),
    ReferenceFile(
        EAR + "ear_part746_hs_lists_and_meu.json",
        "ref_ear_rule_destinations",
        _export("parse_rule_destinations"),
        "Destinations of EAR 746.1(b) (UN arms embargoes) and 744.21 (military end use)",
        "eCFR 2026-09-24",
    ),
    ReferenceFile(
        "export_control/bridges/chpl_hs6_tiers_2024-02-23.csv",
        "ref_export_control_bridges",
        _bridges,
        "HS review lists (CHPL, China 2026 catalogue, Japan catch-all)",
        "2024-02-23 / 2026",
    ),
    ReferenceFile(
        "export_control/eu/annex_i_2021-821_consolidated_2025-11-15.json",
        "ref_eu_annex_i",
        _export("parse_eu_annex_i"),
        "EU dual-use list (Reg. 2021/821 Annex I)",
        "2025-11-15",
    ),
    ReferenceFile(
        "export_control/eu/annex_i_2021-821_consolidated_2025-11-15.json",
        "ref_eu_annex_i_paragraphs",
        _texts("parse_eu_annex_i_paragraphs"),
        "EU dual-use list paragraphs (ECCN candidates)",
        "2025-11-15",
    ),
    ReferenceFile(
        "export_control/eu/annex_i_2021-821_consolidated_2025-11-15.json",
        "ref_eu_annex_i_definitions",
        _texts("parse_eu_annex_i_definitions"),
        "EU dual-use list definitions of terms (ECCN candidates)",
        "2025-11-15",
    ),
    ReferenceFile(
        "screening/consolidated_screening_list_2026-07-31.json",
        "ref_screening_entries",
        _export("parse_screening_list"),
        "Consolidated Screening List (trade.gov)",
        "2026-07-31",
    ),
)
