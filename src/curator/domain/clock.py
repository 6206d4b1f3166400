"""The time a change is stamped with: UTC, to the second (what the catalog stores)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
