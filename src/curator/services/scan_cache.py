"""What one program keeps of a catalog between its duplicate scans: the works as it last read
them and the catalog version (newest event id) it read them at, so that a rescan reads from
the database only the works the log says changed since, not every row again.

The log says which works each step touched (`events.since`); a venue renamed or retyped changes
what its works read, so the venues (a small table) are compared with those kept, and the works
of one that changed are read again too. A step that does not say what it touched (a
newer curator's, an old import) makes the next scan read everything. After each refresh the
copy is checked against the catalog's tally of works (count, ids, row versions, summed on the
database): a change the log did not tell of shows there, and everything is read again.
"""

from __future__ import annotations

import logging

from sqlmodel import Session

from curator.domain.matching import WorkFeatures
from curator.events.since import since
from curator.matching import engine
from curator.services.kept_scans import ScanOrigin
from curator.store import queries, scans
from curator.store import venues as venue_store
from curator.store.catalog import Catalog

_log = logging.getLogger(__name__)


class ScanCache(engine.ScanCache):
    """Keep one per catalog for a session (the window does) and pass it to every scan.

    `keep_works`: whether to keep the works themselves between scans (about 1.6 KB each);
    by default on a server catalog, where reading them all again costs the network, not on a
    file, where it is a local read. `rows_read`: the works the last scan read from the
    catalog (a test's and a benchmark's view of what a rescan costs).
    """

    def __init__(self, keep_works: bool | None = None) -> None:
        super().__init__()
        self.keep_works = keep_works
        self.rows_read = 0
        self._works: dict[int, tuple[WorkFeatures, int]] = {}  # id -> (features, row version)
        self._venues: dict[int, tuple[str, str]] = {}  # id -> (name, kind): what works read
        self._read_at: tuple[str, int, str | None] | None = None  # location, version, stamp
        self.kept_from: ScanOrigin | None = None  # the kept scan the last full scan read

    def forget_works(self) -> None:
        self._works, self._venues, self._read_at = {}, {}, None


def current_works(
    s: Session, catalog: Catalog, version: int, cache: ScanCache | None
) -> list[WorkFeatures]:
    """Every work's features as of `version` (read in `s`, whose newest event it is), in id
    order: the changed ones read, the rest from `cache` when it keeps works."""
    keep = cache is not None and (
        cache.keep_works if cache.keep_works is not None else catalog.is_server
    )
    if cache is None or not keep:
        works = queries.work_features(s)
        if cache is not None:
            cache.rows_read = len(works)
            cache.forget_works()
        return works
    venues = {v.id: (v.name, v.kind) for v in venue_store.venues(s)}
    if not _refreshed(s, catalog, version, cache, venues):
        rows = queries.feature_rows(s)
        cache._works = {f.id: (f, v) for f, v in rows}
        cache.rows_read = len(rows)
    cache._venues = venues
    cache._read_at = (catalog.location, version, scans.event_stamp(s, version))
    return [cache._works[i][0] for i in sorted(cache._works)]


def _refreshed(
    s: Session, catalog: Catalog, version: int, cache: ScanCache, venues: dict[int, tuple[str, str]]
) -> bool:
    """Bring the kept works up to `version` by reading only what changed; False when that
    cannot be done and everything must be read."""
    if cache._read_at is None or not cache._works:
        return False
    location, read_version, stamp = cache._read_at
    if location != catalog.location or read_version > version:
        return False
    if scans.event_stamp(s, read_version) != stamp:  # a restored catalog, changed since
        return False
    changed = _changed_since(s, read_version) if read_version < version else set()
    if changed is None:
        return False
    renamed = {
        v for v in venues.keys() | cache._venues.keys() if venues.get(v) != cache._venues.get(v)
    }
    changed |= set(queries.work_ids_at_venues(s, renamed))
    works = dict(cache._works)
    for wid in changed:
        works.pop(wid, None)
    rows = queries.feature_rows(s, changed)
    works.update((f.id, (f, v)) for f, v in rows)
    if _tally(works) != queries.work_tally(s):
        _log.warning("works kept for scanning differ from %s: reading every work", catalog.name)
        return False
    cache._works = works
    cache.rows_read = len(rows)
    return True


def _changed_since(s: Session, after: int) -> set[int] | None:
    """The works the steps logged after event `after` touched; None: maybe any."""
    works = since(s, after).works(others_only=False)
    return None if works is None else set(works)


def _tally(works: dict[int, tuple[WorkFeatures, int]]) -> tuple[int, int, int]:
    return len(works), sum(works), sum(v for _, v in works.values())
