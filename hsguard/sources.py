"""Reading messy ERP CSV extracts with Polars: decode, sniff, match the contract, quarantine.

Pure functions (no Prefect, no database) so they can be unit-tested on small files.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from hsguard.contracts import FileContract

ROW_NUMBER = "_row_number"
_IDENT = re.compile(r"[^a-z0-9_]+")


class ContractError(Exception):
    """A source file cannot be loaded at all (missing file or column, unreadable)."""


@dataclass
class LoadedFile:
    """The good rows and the quarantined rows of one source file."""

    path: Path
    sha256: str
    encoding: str
    rows_in: int
    good: pl.DataFrame  # contract columns (text, trimmed) + extras + _row_number
    quarantine: pl.DataFrame  # source_file, row_number, columns, reason, raw_row


def confined(path: Path, root: Path, what: str) -> Path:
    """``path`` with symlinks resolved; refused unless it stays inside ``root``.

    A source or reference file that is a link out of its folder (``products.csv ->
    /etc/passwd``, ``reference/hs2022.csv -> ../../secret``) is never read.
    """
    resolved, base = path.resolve(), root.resolve()
    if resolved != base and base not in resolved.parents:
        raise ContractError(f"{what}: {path} points outside {base} (to {resolved}); refused")
    return resolved


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a CSV export: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def sniff_delimiter(header_line: str) -> str:
    """The most frequent of , ; tab | in the header line (comma when none)."""
    counts = {sep: header_line.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def normalise_header(name: str) -> str:
    """Trim and lower-case a header; other characters become ``_`` so it is a safe identifier."""
    cleaned = _IDENT.sub("_", name.strip().strip("\ufeff").lower()).strip("_")
    return cleaned or "unnamed"


def check_header(path: Path, contract: FileContract) -> list[str]:
    """Refuse early: read only the header and return the normalised column names.

    Raises ContractError naming the file and the missing column(s).
    """
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if not head.strip():
        raise ContractError(
            f"{path.name}: the file is empty (expected a header row with "
            f"{', '.join(c.name for c in contract.columns if c.required)})"
        )
    text, _ = decode_bytes(head)  # a cut multi-byte character only affects later lines
    header_line = text.replace("\r\n", "\n").replace("\r", "\n").split("\n", 1)[0]
    separator = sniff_delimiter(header_line)
    headers = [normalise_header(h.strip('"')) for h in header_line.split(separator)]
    _require_columns(path, contract, headers)
    return headers


def _require_columns(path: Path, contract: FileContract, headers: list[str]) -> None:
    duplicates = sorted({h for h in headers if headers.count(h) > 1})
    if duplicates:
        raise ContractError(f"{path.name}: duplicate column(s) {', '.join(duplicates)} in the header")
    missing = [c.name for c in contract.columns if c.required and c.name not in headers]
    if missing:
        raise ContractError(
            f"{path.name}: required column(s) missing: {', '.join(missing)} (found: {', '.join(headers)})"
        )


def read_contract_file(path: Path, contract: FileContract) -> LoadedFile:
    """Read ``path`` under ``contract``; raise ContractError naming file and column if unusable."""
    data = path.read_bytes()
    if not data.strip():
        raise ContractError(
            f"{path.name}: the file is empty (expected a header row with "
            f"{', '.join(c.name for c in contract.columns if c.required)})"
        )
    text, encoding = decode_bytes(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    header_line = text.split("\n", 1)[0]
    separator = sniff_delimiter(header_line)
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            has_header=False,
            infer_schema=False,
            separator=separator,
            quote_char='"',
        )
    except pl.exceptions.PolarsError as exc:  # ragged rows, broken quoting
        raise ContractError(f"{path.name}: cannot be parsed as CSV: {str(exc).splitlines()[0]}") from exc

    headers = [normalise_header(str(v or "")) for v in frame.row(0)]
    _require_columns(path, contract, headers)
    body = frame.slice(1).rename(dict(zip(frame.columns, headers, strict=True)))
    body = body.with_row_index(ROW_NUMBER, offset=2).with_columns(pl.col(ROW_NUMBER).cast(pl.Int64))
    rows_in = body.height
    return split_rows(body, contract, path, sha256_of(path), encoding, rows_in)


_NUMBER = r"^-?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$"  # 1234.5 or 1,234.5; never 1,5


def _number(col: str) -> pl.Expr:
    value = pl.col(col).str.replace_all(r"\s", "")
    return pl.when(value.str.contains(_NUMBER)).then(
        value.str.replace_all(",", "").cast(pl.Float64, strict=False)
    )


def _date(col: str) -> pl.Expr:
    return pl.col(col).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)


def split_rows(
    body: pl.DataFrame,
    contract: FileContract,
    path: Path,
    sha256: str,
    encoding: str,
    rows_in: int,
) -> LoadedFile:
    """Trim values, add absent optional columns, and split good rows from bad ones with reasons."""
    value_columns = [c for c in body.columns if c != ROW_NUMBER]
    raw_row = pl.struct(value_columns).struct.json_encode().alias("raw_row")
    body = body.with_columns(raw_row)
    trimmed = body.with_columns(
        [pl.col(c).str.strip_chars().replace("", None).alias(c) for c in value_columns]
    )
    for spec in contract.columns:
        if spec.name not in trimmed.columns:
            trimmed = trimmed.with_columns(pl.lit(None, dtype=pl.Utf8).alias(spec.name))

    problems: list[pl.Expr] = []
    for spec in contract.columns:
        col = pl.col(spec.name)
        if spec.not_empty:
            problems.append(pl.when(col.is_null()).then(pl.lit(f"{spec.name}: empty")))
        if spec.kind == "number":
            parsed = _number(spec.name)
            problems.append(
                pl.when(col.is_not_null() & parsed.is_null())
                .then(pl.lit(f"{spec.name}: not a number: ") + col)
                .when(parsed < 0)
                .then(pl.lit(f"{spec.name}: negative: ") + col)
            )
        if spec.allowed:
            problems.append(
                pl.when(col.is_not_null() & ~col.str.to_lowercase().is_in(list(spec.allowed))).then(
                    pl.lit(f"{spec.name}: not one of {', '.join(spec.allowed)}: ") + col
                )
            )
        if spec.kind == "date":
            problems.append(
                pl.when(col.is_not_null() & _date(spec.name).is_null()).then(
                    pl.lit(f"{spec.name}: not a date (YYYY-MM-DD): ") + col
                )
            )
    checked = trimmed.with_columns(
        pl.concat_list(problems).list.drop_nulls().alias("_problems")
        if problems
        else pl.lit([], dtype=pl.List(pl.Utf8)).alias("_problems")
    )
    is_bad = pl.col("_problems").list.len() > 0
    quarantine = checked.filter(is_bad).select(
        pl.lit(str(path)).alias("source_file"),
        pl.col(ROW_NUMBER).alias("row_number"),
        pl.col("_problems")
        .list.eval(pl.element().str.split(":").list.first())
        .list.join(", ")
        .alias("columns"),
        pl.col("_problems").list.join("; ").alias("reason"),
        pl.col("raw_row"),
    )
    ordered = contract.column_names + [c for c in value_columns if c not in contract.column_names]
    good = checked.filter(~is_bad).select(ordered + [ROW_NUMBER])
    return LoadedFile(path, sha256, encoding, rows_in, good, quarantine)
