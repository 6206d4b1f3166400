"""Stored times are UTC; a librarian reads them on her own clock."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from curator.domain.clock import local, utcnow


@pytest.fixture
def in_berlin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_stored_time_read_back_without_its_zone_is_shown_on_the_local_clock(in_berlin) -> None:  # type: ignore[no-untyped-def]
    stored = datetime(2026, 12, 4, 9, 42)  # what SQLite hands back: UTC, no zone
    assert local(stored).strftime("%H:%M") == "10:42"  # Berlin is UTC+1 in December
    assert local(stored.replace(tzinfo=UTC)) == local(stored)
    assert utcnow().tzinfo is UTC
