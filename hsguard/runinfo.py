"""Run identity and the small records a nightly run passes between its stages."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime


def new_run_id(now: datetime | None = None) -> str:
    """Sortable, unique run id: ``20261123T020000Z-3fa9c1``."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def utc_now() -> datetime:
    return datetime.now(UTC)
