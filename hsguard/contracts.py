"""Input contracts: the files a user puts in ``--sources DIR`` and what each must hold.

See DESIGN.md "Input contract". Column names are matched case-insensitively after
trimming; unknown extra columns are kept. A missing required file or column refuses
the run before the warehouse is touched; a bad row goes to ``audit.quarantine``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    required: bool = False  # the column must be present in the header
    not_empty: bool = False  # a row with an empty value is quarantined
    kind: str = "text"  # text | number | integer | date | timestamp | country
    allowed: tuple[str, ...] = ()  # accepted values (case-insensitive)


# What happens to a value that breaks its column's rule (hsguard/sources.py):
# - in a column with ``not_empty`` (the row's key and required facts) the whole row is
#   quarantined (audit.quarantine) with the reason;
# - in any other column the field is nulled, the row is kept and the value is recorded
#   with the reason in audit.field_rejections, so the product is still checked and screened.


@dataclass(frozen=True)
class FileContract:
    file_name: str
    raw_table: str
    columns: tuple[ColumnSpec, ...]
    required_file: bool = False
    # (group column, line column): rows are lines of a group (a shipment's delivery
    # lines); the line column, when empty, is the row's position within its group
    line_key: tuple[str, str] | None = None
    # a key no two kept rows may share (a later row repeating it is quarantined)
    unique_key: tuple[str, ...] | None = None
    # the ERP extract itself: when more than DEFAULT_MAX_QUARANTINE_SHARE of its rows is
    # quarantined the run refuses to publish (a loss that would hide findings); the small
    # hand-kept files (rulings, overrides) report their quarantined rows and go on
    guards_publish: bool = False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


PRODUCTS = FileContract(
    "products.csv",
    "erp_products",
    (
        ColumnSpec("sku", required=True, not_empty=True),
        ColumnSpec("description", required=True, not_empty=True),
        ColumnSpec("hts_code"),
        ColumnSpec("cn_code"),
        ColumnSpec("hs_code"),
        ColumnSpec("eccn"),
        ColumnSpec("ruling_ref"),
        ColumnSpec("product_family"),
        ColumnSpec("country_of_origin", kind="country"),
        ColumnSpec("unit_value_usd", kind="number"),
        ColumnSpec("classified_at", kind="date"),
    ),
    required_file=True,
    guards_publish=True,
)

SHIPMENTS = FileContract(
    "shipments.csv",
    "erp_shipments",
    (
        ColumnSpec("shipment_id", required=True, not_empty=True),
        ColumnSpec("line_no", kind="integer"),
        ColumnSpec("sku", required=True, not_empty=True),
        ColumnSpec("destination_country", required=True, not_empty=True, kind="country"),
        ColumnSpec("ship_date", required=True, kind="date"),
        ColumnSpec("quantity", required=True, kind="number"),
        ColumnSpec("value_usd", required=True, kind="number"),
        ColumnSpec("license_ref"),
        ColumnSpec("license_exception"),
        ColumnSpec("end_user"),
    ),
    line_key=("shipment_id", "line_no"),
    guards_publish=True,
)

RULING_STATUSES = ("active", "revoked", "modified")

RULINGS = FileContract(
    "rulings.csv",
    "rulings",
    (
        ColumnSpec("ruling_id", required=True, not_empty=True),
        ColumnSpec("authority", required=True),
        ColumnSpec("issued_date", kind="date"),
        ColumnSpec("status", required=True, not_empty=True, allowed=RULING_STATUSES),
        ColumnSpec("description", required=True, not_empty=True),
        ColumnSpec("hts_code"),
        ColumnSpec("cn_code"),
        ColumnSpec("reasoning"),
    ),
    unique_key=("ruling_id",),
)

OVERRIDE_DECISIONS = ("accepted_risk", "false_positive", "fixed")

# A reviewer's decision on a flag (the filled-in review queue fits it). The flag is matched on
# sku + check_code, and on scheme / shipment_id when given. ``declared_code`` is the code the
# decision was made against: when the product's code changes, the override lapses.
OVERRIDES = FileContract(
    "overrides.csv",
    "erp_overrides",
    (
        ColumnSpec("sku", required=True, not_empty=True),
        ColumnSpec("check_code", required=True, not_empty=True),
        ColumnSpec("decision", required=True, not_empty=True, allowed=OVERRIDE_DECISIONS),
        ColumnSpec("reason", required=True, not_empty=True),
        ColumnSpec("reviewer", required=True, not_empty=True),
        ColumnSpec("decided_at", required=True, not_empty=True, kind="timestamp"),
        ColumnSpec("scheme"),
        ColumnSpec("shipment_id"),
        ColumnSpec("declared_code"),
    ),
)

SCREENING_OVERRIDE_DECISIONS = ("false_positive",)

# A reviewer's decision on a party-screening match (docs/SCREENING.md): "end user X is not list
# entry Y". It suppresses that (end user, entry) pair only: not another entry matched by the same
# name, not the same entry matched by another name. ``entry_version`` (the match's, from
# marts.fct_party_screening_matches) is the entry as reviewed: when the list changes the entry,
# the decision lapses.
SCREENING_OVERRIDES = FileContract(
    "screening_overrides.csv",
    "erp_screening_overrides",
    (
        ColumnSpec("end_user", required=True, not_empty=True),
        ColumnSpec("entry_id", required=True, not_empty=True),
        ColumnSpec("entry_version", required=True, not_empty=True),
        ColumnSpec("decision", required=True, not_empty=True, allowed=SCREENING_OVERRIDE_DECISIONS),
        ColumnSpec("reason", required=True, not_empty=True),
        ColumnSpec("reviewer", required=True, not_empty=True),
        ColumnSpec("decided_at", required=True, not_empty=True, kind="timestamp"),
    ),
)

SOURCE_CONTRACTS: tuple[FileContract, ...] = (PRODUCTS, SHIPMENTS, RULINGS, OVERRIDES, SCREENING_OVERRIDES)

#: Share of a file's rows that may be quarantined whole before the run refuses to
#: publish (``hsguard run --max-quarantine``; fields nulled in kept rows do not count).
DEFAULT_MAX_QUARANTINE_SHARE = 0.2
