"""``hsguard check-input``: read a sources folder exactly as a run would (the same reader,
contracts, column mapping and parse rules) and say what would load, without touching
any warehouse."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from hsguard.contracts import DEFAULT_MAX_QUARANTINE_SHARE, SOURCE_CONTRACTS
from hsguard.loading import SourceBundle, parse_reference, read_sources, refusal, source_path
from hsguard.sources import ContractError, ParseOptions, normalise_header

#: How many problems are shown per column.
FIRST_PROBLEMS = 3


@dataclass
class InputCheck:
    sources: Path
    mapping: Path | None
    options: ParseOptions
    bundle: SourceBundle
    refused: str | None
    absent: list[str] = field(default_factory=list)  # optional contract files not there
    reference: list[tuple[str, int]] = field(default_factory=list)  # overrides parsed: name, rows


def check_inputs(
    sources: Path,
    options: ParseOptions,
    mapping: Path | None = None,
    max_share: float = DEFAULT_MAX_QUARANTINE_SHARE,
) -> InputCheck:
    """Read every source file (and every reference override in SOURCES/reference/) as a
    run would; ContractError when a run would refuse the folder before loading."""
    bundle = read_sources(sources, None, options)
    absent = [c.file_name for c in SOURCE_CONTRACTS if source_path(sources, c, options) is None]
    reference = []
    override_dir = sources / "reference"
    if override_dir.is_dir():
        from hsguard.reference import REFERENCE_FILES

        for ref in REFERENCE_FILES:
            path = ref.resolve(override_dir)
            if path != ref.bundled_path:
                reference.append((f"reference/{path.name}", parse_reference(ref, path).height))
    return InputCheck(sources, mapping, options, bundle, refusal(bundle, max_share), absent, reference)


def _options_line(options: ParseOptions) -> str:
    parts = [f"delimiter {options.delimiter!r}" if options.delimiter else "delimiter sniffed"]
    parts.append("decimal comma" if options.decimal_comma else "decimal point")
    parts.append(f"dates {options.date_format} or ISO" if options.date_format else "ISO dates")
    return ", ".join(parts)


def problems_by_column(quarantine: pl.DataFrame, rejections: pl.DataFrame) -> dict[str, list[str]]:
    """The first FIRST_PROBLEMS problems of each column: ``row N: reason`` (a rejected
    row's reasons and a nulled value's reason alike), in row order."""
    rows = quarantine.select(pl.col("row_number"), pl.col("reason").str.split("; ").alias("reason")).explode(
        "reason", empty_as_null=True
    )
    rows = rows.with_columns(pl.col("reason").str.extract(r"^([^:]+):").alias("column_name"))
    both = pl.concat(
        [
            rows.select("row_number", "column_name", "reason", pl.lit("row rejected").alias("effect")),
            rejections.select("row_number", "column_name", "reason", pl.lit("value nulled").alias("effect")),
        ],
        how="vertical_relaxed",
    ).sort("column_name", "row_number")
    shown: dict[str, list[str]] = {}
    for column, row, reason, effect in both.select("column_name", "row_number", "reason", "effect").rows():
        items = shown.setdefault(column or "?", [])
        if len(items) < FIRST_PROBLEMS:
            items.append(f"row {row}: {reason} ({effect})")
    return shown


def format_input_check(check: InputCheck) -> list[str]:
    """The lines ``hsguard check-input`` prints."""
    bundle = check.bundle
    mapping = f"mapping {check.mapping}" if check.mapping else "no column mapping"
    lines = [f"hsguard check-input: {check.sources} ({mapping}; {_options_line(check.options)})"]
    contracts = {c.file_name: c for c in SOURCE_CONTRACTS}
    for name, loaded in bundle.files.items():
        contract = contracts[name]
        shown = name if loaded.path.name == name else f"{name} <- {loaded.path.name}"
        delimiter = "tab" if loaded.delimiter == "\t" else loaded.delimiter
        lines.append(f"{shown} ({loaded.encoding}, delimiter {delimiter!r})")
        mapped = [
            f"{written} -> {as_loaded}"
            for written, as_loaded in loaded.header.items()
            if as_loaded in contract.column_names
        ]
        extra = [w for w, a in loaded.header.items() if a not in contract.column_names]
        missing = [c for c in contract.column_names if c not in loaded.header.values()]
        lines.append(f"  columns: {', '.join(mapped)}")
        if extra:
            lines.append(f"  extra columns (kept as they are): {', '.join(extra)}")
        if missing:
            lines.append(f"  contract columns not in the file (left empty): {', '.join(missing)}")
        written = {normalise_header(w) for w in loaded.header}
        unmatched = [w for w in check.options.renames(name) if w not in written]
        if unmatched:
            lines.append(f"  mapped but not in the file: {', '.join(unmatched)}")
        lines.append(
            f"  rows: {loaded.rows_in} in, {loaded.good.height} would load, {loaded.quarantine.height} "
            f"would be rejected; {loaded.rejections.height} bad value(s) would be nulled in kept rows"
        )
        if loaded.quarantine.height:
            reasons = (
                loaded.quarantine.select(pl.col("reason").str.split("; ").explode(empty_as_null=True))
                .select(pl.col("reason").str.extract(r"^([^:]+:[^:]+)").alias("reason"))
                .group_by("reason")
                .len()
                .sort(["len", "reason"], descending=[True, False])
                .rows()
            )
            lines.append("  rejected because: " + ", ".join(f"{r} ({n})" for r, n in reasons))
        problems = problems_by_column(loaded.quarantine, loaded.rejections)
        if problems:
            lines.append("  first problems per column:")
            for column, items in problems.items():
                lines.append(f"    {column}: " + "; ".join(items))
    for name in check.absent:
        what = "the bundled CBP rulings are used" if name == "rulings.csv" else "optional"
        lines.append(f"{name}: not in the folder ({what})")
    for name, rows in check.reference:
        lines.append(f"{name}: replaces the bundled file, {rows} rows parsed")
    lines.append(
        f"total: {bundle.rows_in} rows in, {bundle.rows_loaded} would load, "
        f"{bundle.rows_quarantined} would be rejected, {bundle.fields_rejected} value(s) nulled"
    )
    if check.refused:
        lines.append(f"a run would refuse to publish: {check.refused}")
    else:
        lines.append("a run would load these files (nothing was written)")
    return lines


__all__ = ["ContractError", "InputCheck", "check_inputs", "format_input_check"]
