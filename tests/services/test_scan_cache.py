"""A scan cache that keeps the works (a server catalog's, by default) reads only the works the
log says changed since the last scan, and the scan finds exactly what a fresh one does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from curator.domain.matching import Candidate
from curator.domain.progress import drain
from curator.services import (
    candidates,
    decisions,
    history,
    importing,
    kept_scans,
    venues,
    works,
)
from curator.store import snapshots
from curator.store.catalog import Catalog, open_catalog


@pytest.fixture(autouse=True)
def _nothing_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every scan here computes: kept results would hide what the cache reads."""
    monkeypatch.setattr(kept_scans, "load", lambda *_: None)


def fresh(catalog: Catalog) -> list[Candidate]:
    """A full scan with nothing kept from before."""
    return list(drain(candidates.scan(catalog, cache=candidates.ScanCache(keep_works=False))))


def rescan(catalog: Catalog, cache: candidates.ScanCache) -> list[Candidate]:
    found = list(drain(candidates.scan(catalog, cache=cache)))
    assert found == fresh(catalog)
    return found


@pytest.fixture
def cache(seeded: Catalog) -> candidates.ScanCache:
    kept = candidates.ScanCache(keep_works=True)
    rescan(seeded, kept)
    assert kept.rows_read == works.stats(seeded)["works"]
    return kept


def test_a_rescan_of_an_unchanged_catalog_reads_no_work(
    seeded: Catalog, cache: candidates.ScanCache
) -> None:
    rescan(seeded, cache)
    assert cache.rows_read == 0


def test_a_server_catalog_keeps_its_works_by_default_a_file_does_not(seeded: Catalog) -> None:
    default = candidates.ScanCache()
    drain(candidates.scan(seeded, cache=default))
    drain(candidates.scan(seeded, cache=default))
    assert default.rows_read == (0 if seeded.is_server else works.stats(seeded)["works"])


def first_pair(catalog: Catalog) -> tuple[int, int]:
    return candidates.candidates(catalog)[0].works


def test_an_edit_reads_that_work(seeded: Catalog, cache: candidates.ScanCache) -> None:
    wid = works.rows(seeded)[3].id
    works.edit_work(seeded, wid, {"title": "A title no other work has, for a test"})
    rescan(seeded, cache)
    assert cache.rows_read == 1


def test_a_merge_and_its_undo_read_the_works_merged(
    seeded: Catalog, cache: candidates.ScanCache
) -> None:
    n = works.stats(seeded)["works"]
    a, b = first_pair(seeded)
    decisions.merge(seeded, [a, b])
    rescan(seeded, cache)
    assert cache.rows_read == 1  # the survivor; the other is gone
    history.undo(seeded)
    rescan(seeded, cache)
    assert cache.rows_read == 2 and works.stats(seeded)["works"] == n
    history.redo(seeded)
    rescan(seeded, cache)
    assert cache.rows_read == 1


def test_a_decision_reads_its_two_works_and_teaches_the_scan(
    seeded: Catalog, cache: candidates.ScanCache
) -> None:
    a, b = first_pair(seeded)
    decisions.distinct(seeded, a, b)
    found = rescan(seeded, cache)
    assert (a, b) not in {c.works for c in found}
    assert cache.rows_read <= 2


def test_an_import_reads_the_new_works(
    seeded: Catalog, cache: candidates.ScanCache, tmp_path: Path
) -> None:
    path = tmp_path / "more.bib"
    path.write_text(
        "@article{k1, title={Scaling laws of kept scans}, author={Doe, Jane}, year={2024}}\n"
        "@article{k2, title={Scaling laws of kept scans}, author={Doe, J.}, year={2024}}\n"
    )
    assert importing.run_to_end(importing.import_files(seeded, [path])).ok
    found = rescan(seeded, cache)
    assert cache.rows_read == 2
    new = {w.id for w in works.rows(seeded) if w.title == "Scaling laws of kept scans"}
    assert tuple(sorted(new)) in {c.works for c in found}


def test_a_renamed_venue_reads_its_works(seeded: Catalog, cache: candidates.ScanCache) -> None:
    venue = max(venues.list_venues(seeded), key=lambda v: v.works)
    assert venue.works >= 2
    venues.rename(seeded, venue.id, "A venue renamed for a test")
    rescan(seeded, cache)
    assert cache.rows_read == venue.works


ChangeNotLogged = Callable[[Catalog], None]


def retitle_behind_the_log(catalog: Catalog) -> None:
    with catalog.write() as s:
        s.execute(text("UPDATE work SET title = 'Changed behind the log' WHERE id = 1"))


def delete_behind_the_log(catalog: Catalog) -> None:
    with catalog.write() as s:
        wid = s.execute(text("SELECT max(id) FROM work")).scalar_one()
        s.execute(text("DELETE FROM sourcerecord WHERE work_id = :w"), {"w": wid})
        s.execute(text("DELETE FROM work WHERE id = :w"), {"w": wid})


@pytest.mark.parametrize("change", [retitle_behind_the_log, delete_behind_the_log])
def test_a_change_the_log_does_not_tell_of_makes_it_read_everything(
    seeded: Catalog, cache: candidates.ScanCache, change: ChangeNotLogged
) -> None:
    change(seeded)
    works.edit_work(seeded, works.rows(seeded)[2].id, {"year": 1999})  # the log moves on
    rescan(seeded, cache)
    assert cache.rows_read == works.stats(seeded)["works"]


def test_a_cache_given_another_catalog_reads_everything(
    seeded: Catalog, cache: candidates.ScanCache, tmp_path: Path, seed_paths: list[Path]
) -> None:
    other = open_catalog(tmp_path / "other.sqlite")
    try:
        assert importing.run_to_end(importing.import_files(other, seed_paths[:1])).ok
        rescan(other, cache)
        assert cache.rows_read == works.stats(other)["works"]
    finally:
        other.close()


def test_the_pairs_decisions_cover_are_those_of_every_fingerprint(seeded: Catalog) -> None:
    """On a server they are joined there (only the pairs come back): the same pairs as from
    every record's fingerprint, after decisions, and a merge that moves a decided record."""
    found = candidates.candidates(seeded)
    decisions.distinct(seeded, *found[-1].works)
    decisions.related(seeded, *found[-2].works)
    decisions.merge(seeded, [found[-1].a, found[0].a])  # a decided record moves
    with seeded.read() as s:
        joined = snapshots.decided_work_pairs(s)
        owners = snapshots.owners_of(
            s, {fp for d in snapshots.decisions(s) for fp in (d.fp_a, d.fp_b)}
        )
        every = {
            (min(x, y), max(x, y))
            for d in snapshots.decisions(s)
            for x in owners.get(d.fp_a, ())
            for y in owners.get(d.fp_b, ())
            if x != y
        }
    assert joined == every and len(joined) >= 2
