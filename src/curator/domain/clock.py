"""The time a change is stamped with: UTC, to the second (what the catalog stores)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def local(at: datetime) -> datetime:
    """A stored time (UTC; read back without its zone) in the machine's own time zone: what
    a librarian's clock said when it happened."""
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone()
