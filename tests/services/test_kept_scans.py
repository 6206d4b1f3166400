"""Kept scans: a full scan's result is read by the next full scan of the unchanged catalog, by
anyone (another Catalog object, another librarian), and never after any change."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text, update
from sqlmodel import select

from curator.domain.matching import Candidate
from curator.domain.progress import drain
from curator.export.bibtex import ExportOptions
from curator.matching import engine
from curator.services import (
    candidates,
    changes,
    decisions,
    exporting,
    history,
    importing,
    kept_scans,
    venues,
    works,
)
from curator.store import authors, scans
from curator.store.authors import Author
from curator.store.catalog import Catalog, open_catalog, open_damaged
from curator.store.tables import ScanResult

BOB = Author("bob", authors.WINDOW + "bobs-window")


@pytest.fixture
def bobs(seeded: Catalog) -> Iterator[Catalog]:
    """The same catalog opened by another librarian, in another program."""
    other = open_catalog(seeded.address)
    authors.claim(other, BOB)
    yield other
    other.close()


def computed(catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> list[Candidate]:
    """What a full scan computes now, whatever is kept (and keeping nothing)."""
    with monkeypatch.context() as m:
        m.setattr(kept_scans, "load", lambda *_: None)
        m.setattr(kept_scans, "keep", lambda *_: False)
        return list(drain(candidates.scan(catalog)))


def no_scanning(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("the engine ran")

    monkeypatch.setattr(engine, "scan", refuse)


def kept_rows(catalog: Catalog) -> list[tuple[int, str]]:
    """(catalog version, settings) of every kept result."""
    with catalog.read() as s:
        return [(r.catalog_version, r.settings) for r in s.exec(select(ScanResult))]


def test_another_librarian_reads_the_kept_scan_without_scanning(
    seeded: Catalog, bobs: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = candidates.ScanCache()
    first = drain(candidates.scan(seeded, cache=mine))
    assert first.kept is None and candidates.scanned_from(mine) is None
    no_scanning(monkeypatch)
    theirs = candidates.ScanCache()
    steps = [p.message for p in candidates.scan(bobs, cache=theirs)]
    assert len(steps) == 1 and steps[0].startswith("Read the scan made by ")
    second = drain(candidates.scan(bobs, cache=theirs))
    assert list(second) == list(first)
    assert second.kept is not None and second.kept.by == authors.user_name() != "bob"
    assert not second.kept.own and second.kept.catalog_version == changes.newest(seeded)
    assert theirs.rows_read == 0  # no work was read, let alone tokenised
    said = candidates.scanned_from(theirs)
    assert said is not None and said.startswith("From the scan made by ")
    # the weights dialog and the scans of new works use the weights it was scored with
    assert theirs.model == mine.model
    assert candidates.learned_from(theirs) == candidates.learned_from(mine)
    # the command line's candidates say where they came from too
    assert candidates.candidates(seeded).kept is not None


def test_a_kept_scan_equals_a_fresh_one(seeded: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    drain(candidates.scan(seeded))
    reread = drain(candidates.scan(seeded))
    assert reread.kept is not None and reread.kept.own
    assert list(reread) == computed(seeded, monkeypatch)


def edit(catalog: Catalog, _: Path) -> None:
    wid = works.rows(catalog)[0].id
    works.edit_work(catalog, wid, {"title": "Another title altogether, for a test"})


def decide(catalog: Catalog, _: Path) -> None:
    last = candidates.candidates(catalog)[-1]
    decisions.distinct(catalog, last.a, last.b)


def merge(catalog: Catalog, _: Path) -> None:
    first = candidates.candidates(catalog)[0]
    decisions.merge(catalog, [first.a, first.b])


def undo_a_merge(catalog: Catalog, folder: Path) -> None:
    merge(catalog, folder)
    drain(candidates.scan(catalog))  # kept after the merge: the undo must not read it
    history.undo(catalog)


def import_more(catalog: Catalog, folder: Path) -> None:
    path = folder / "more.bib"
    path.write_text("@article{k1, title={Scaling laws of kept scans}, author={Doe, Jane}}\n")
    assert importing.run_to_end(importing.import_files(catalog, [path])).ok


CHANGES: dict[str, Callable[[Catalog, Path], None]] = {
    "edit": edit,
    "decision": decide,
    "merge": merge,
    "undo of a merge": undo_a_merge,
    "import": import_more,
}


@pytest.mark.parametrize("change", CHANGES)
def test_any_change_makes_the_next_scan_compute_again(
    seeded: Catalog, bobs: Catalog, change: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    drain(candidates.scan(seeded))
    CHANGES[change](seeded, tmp_path)
    again = drain(candidates.scan(bobs))
    assert again.kept is None
    assert list(again) == computed(seeded, monkeypatch)
    assert drain(candidates.scan(seeded)).kept is not None  # bob's, kept for the next one


def test_only_the_latest_result_is_kept(seeded: Catalog) -> None:
    drain(candidates.scan(seeded))
    edit(seeded, Path())
    drain(candidates.scan(seeded))
    rows = kept_rows(seeded)
    assert [version for version, _ in rows] == [changes.newest(seeded)]


def set_blob(catalog: Catalog, blob: bytes) -> None:
    with catalog.write() as s:
        s.execute(update(ScanResult).values(result=blob))


@pytest.mark.parametrize(
    "blob",
    [
        b"not zlib at all",
        b"x\x9c" + b"\x00" * 20,  # a damaged stream
        __import__("zlib").compress(b'{"format": 99, "candidates": []}'),  # a newer curator's
        __import__("zlib").compress(b'{"format": 1, "model": [], "candidates": [[1]]}'),
    ],
    ids=["garbage", "damaged", "newer format", "wrong shape"],
)
def test_a_kept_result_that_cannot_be_read_is_scanned_again(
    seeded: Catalog, blob: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = drain(candidates.scan(seeded))
    set_blob(seeded, blob)
    again = drain(candidates.scan(seeded))
    assert again.kept is None and list(again) == list(first)
    assert drain(candidates.scan(seeded)).kept is not None  # replaced by a good one
    assert len(kept_rows(seeded)) == 1


def test_a_result_made_with_other_settings_is_not_read(seeded: Catalog) -> None:
    drain(candidates.scan(seeded))
    with seeded.write() as s:
        s.execute(update(ScanResult).values(settings="scan 1; code another engine"))
    assert drain(candidates.scan(seeded)).kept is None
    assert len(kept_rows(seeded)) == 2  # the other program's result stays for it


def test_keeping_never_waits_for_another_programs_write(seeded: Catalog, bobs: Catalog) -> None:
    """A file busy with another writer keeps nothing (and gives up at once); a server's kept
    results take no write lock, so they are kept while another librarian writes."""
    with bobs.write() as s:
        s.connection()  # BEGIN IMMEDIATE on a file; the write lock on a server
        found = drain(candidates.scan(seeded))
    assert found and found.kept is None
    assert bool(kept_rows(seeded)) == seeded.is_server


@pytest.mark.sqlite_only
def test_a_damaged_catalog_is_scanned_and_keeps_nothing(seeded: Catalog) -> None:
    first = drain(candidates.scan(seeded))
    with seeded.write() as s:
        s.execute(text("DELETE FROM scanresult"))
    damaged = open_damaged(seeded.path, "a test says so")  # read-only, never written
    try:
        again = drain(candidates.scan(damaged))
    finally:
        damaged.close()
    assert again.kept is None and list(again) == list(first)
    assert kept_rows(seeded) == []


def test_the_settings_name_the_engine_code(seeded: Catalog) -> None:
    made_by = kept_scans.settings(candidates.FEEDS)
    assert made_by.startswith("scan 1; code ") and "rapidfuzz" in made_by
    drain(candidates.scan(seeded))
    with seeded.read() as s:
        assert scans.latest(s, changes.newest(seeded), made_by) is not None


def test_steps_a_scan_never_reads_leave_the_kept_scan_in_use(
    seeded: Catalog, bobs: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An export gives works citation keys, a librarian turns a venue suggestion down: the
    log moves on, the duplicates do not. An edit after them does."""
    first = drain(candidates.scan(seeded))
    computed_at = changes.newest(seeded)
    plan = exporting.plan(seeded)
    done = exporting.run_to_end(
        exporting.export_bibtex(seeded, plan, tmp_path / "out.bib", ExportOptions())
    )
    assert done.new_keys
    found = venues.suggestions(seeded)
    if found:
        venues.reject(seeded, found[0])
    assert changes.newest(seeded) > computed_at
    again = drain(candidates.scan(bobs))
    assert again.kept is not None and again.kept.catalog_version == computed_at
    assert list(again) == list(first) == computed(seeded, monkeypatch)
    edit(seeded, tmp_path)
    assert drain(candidates.scan(bobs)).kept is None
