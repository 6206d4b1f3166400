"""Kept scan results in the store: the newest of a version and settings read back, older
ones dropped by the write that keeps a new one, a newer one never replaced by an older."""

from __future__ import annotations

from sqlmodel import select

from curator.store import scans
from curator.store.catalog import Catalog
from curator.store.tables import ScanResult


def kept(catalog: Catalog) -> list[tuple[int, str]]:
    with catalog.read() as s:
        return sorted((r.catalog_version, r.settings) for r in s.exec(select(ScanResult)))


def test_the_latest_result_is_kept_and_read_back(catalog: Catalog) -> None:
    assert scans.keep(catalog, 3, "engine a", "ann", b"three")
    assert scans.keep(catalog, 3, "engine b", "bob", b"three, b")
    assert scans.keep(catalog, 5, "engine a", "ann", b"five")
    assert kept(catalog) == [(5, "engine a")]  # version 3 dropped, whatever made it
    assert scans.keep(catalog, 5, "engine b", "bob", b"five, b")
    assert scans.keep(catalog, 5, "engine a", "cy", b"five again")
    assert kept(catalog) == [(5, "engine a"), (5, "engine b")]
    with catalog.read() as s:
        found = scans.latest(s, 5, "engine a")
        assert found is not None and (found.author, found.result) == ("cy", b"five again")
        assert scans.latest(s, 4, "engine a") is None
        assert scans.latest(s, 5, "engine c") is None


def test_an_older_result_never_replaces_a_newer_one(catalog: Catalog) -> None:
    assert scans.keep(catalog, 7, "engine a", None, b"seven")
    assert not scans.keep(catalog, 6, "engine a", None, b"six, finished later")
    assert kept(catalog) == [(7, "engine a")]
