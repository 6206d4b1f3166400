"""Use cases: scan the catalog for duplicate candidates, hide decided pairs, merge sure groups."""

from __future__ import annotations

from collections.abc import Collection, Generator, Iterable
from dataclasses import dataclass

from sqlmodel import Session

from curator.domain.catalog import WorkRow
from curator.domain.errors import CuratorError
from curator.domain.matching import BAND_ORDER, Band, Candidate, connected_groups
from curator.domain.progress import Progress, drain
from curator.domain.report import counted
from curator.events import log
from curator.events.merges import AutoMerge, AutoMergePayload, MergePayload, apply_merge
from curator.matching import engine
from curator.matching.model import COMPARISONS
from curator.matching.model import DEFAULT as DEFAULT_MODEL
from curator.services import backups, decisions, kept_scans
from curator.services.kept_scans import ScanOrigin
from curator.services.scan_cache import ScanCache as ScanCache  # the window keeps one
from curator.services.scan_cache import current_works
from curator.store import queries, snapshots
from curator.store.catalog import Catalog


class Found(list[Candidate]):
    """A scan's candidates, best first. `kept` says whose kept scan they were read from
    instead of being computed ("from the scan made by bob at 10:42"); None: scanned now."""

    kept: ScanOrigin | None = None


def scan(
    catalog: Catalog,
    new_ids: Collection[int] | None = None,
    cache: ScanCache | None = None,
) -> Generator[Progress, None, Found]:
    """All open candidates (or those touching `new_ids`), best first; decided pairs never appear.

    A full scan of a catalog nobody has changed since a full scan was kept (by anyone, in
    any program of the same settings: `kept_scans`) reads that one instead (`Found.kept`
    says whose); a full scan made here is kept, decided pairs already taken out (the same
    catalog version has the same decisions).

    Pass the same `cache` to every scan of one catalog (the window does) and a rescan
    tokenises only the works that changed since the last one; on a server it reads only
    those from the database, too (`scan_cache`).
    """
    made_by = kept_scans.settings(FEEDS)
    with catalog.read() as s:
        version = log.newest_id(s)
        reused = kept_scans.load(s, catalog, version, made_by) if new_ids is None else None
        if reused is None:
            works = current_works(s, catalog, version, cache)
            decided = decided_work_pairs(s)
            known = engine.Labels(dict.fromkeys(decided, False), queries.merged_record_pairs(s))
    if reused is not None:
        return (yield from _reused(reused, cache))
    scanning = cache if cache is not None else ScanCache()  # a model to keep comes back in it
    found = yield from engine.scan(works, new_ids, cache=scanning, labels=known)
    result = Found(c for c in found if (c.a, c.b) not in decided)
    if new_ids is None and scanning.model is not None:
        scanning.kept_from = None
        kept_scans.keep(catalog, version, made_by, result, scanning.model)
    return result


def _reused(reused: kept_scans.Reused, cache: ScanCache | None) -> Generator[Progress, None, Found]:
    """A kept scan's result, as a scan returns it: the window and the weights dialog see the
    weights it was scored with, and where it came from."""
    yield Progress(1, 1, f"Read {reused.origin}")
    if cache is not None:
        cache.model = reused.model
        cache.kept_from = reused.origin
        cache.rows_read = 0
    result = Found(reused.candidates)
    result.kept = reused.origin
    return result


def scanned_from(cache: ScanCache) -> str | None:
    """Where the last full scan with `cache` came from, in words, when it was a kept one
    ("From the scan made by bob at 10:42"); None when it was computed here."""
    origin = cache.kept_from
    return f"From {origin}" if origin is not None else None


@dataclass(frozen=True, slots=True)
class WeightRow:
    """One level of one comparison as the last scan weighed it, for the librarian to read."""

    comparison: str  # "title"
    level: str  # "identical short"
    weight: float  # log-odds the level adds to a pair
    hand_set: float  # where the estimate started
    origin: str  # "default", "learned", "learned, with your decisions"


def weights_table(cache: ScanCache) -> list[WeightRow]:
    """Every level's weight in the last full scan with `cache` (the hand-set ones before)."""
    model = cache.model or DEFAULT_MODEL
    return [
        WeightRow(c.name, c.levels[n].replace("_", " "), w, c.defaults[n], origin)
        for c, weights, origins in zip(COMPARISONS, model.weights, model.origins, strict=True)
        for n, (w, origin) in enumerate(zip(weights, origins, strict=True))
        if n  # level 0, nothing to compare, weighs nothing
    ]


def learned_from(cache: ScanCache) -> str:
    """What the last full scan with `cache` learned its weights from, in words."""
    model = cache.model
    if model is None:
        return "Not scanned yet"
    if model is DEFAULT_MODEL:
        return "Default weights (too few pairs in this catalog to learn from yet)"
    if model.decisions:
        return f"Weights learned from this catalog and {model.decisions:,} of your decisions"
    return "Weights learned from this catalog"


def decided_work_pairs(s: Session) -> set[tuple[int, int]]:
    """Every (smaller id, larger id) pair that a distinct or related decision covers: two
    publications, as the engine learns from them."""
    return snapshots.decided_work_pairs(s)


# What reads the catalog for a scan: their code is part of what a kept result was made by.
FEEDS = (queries.feature_rows, queries.merged_record_pairs, snapshots.decided_work_pairs)


def candidates(
    catalog: Catalog,
    band: Band | None = None,
    min_score: float | None = None,
    cache: ScanCache | None = None,
) -> Found:
    """A full scan's candidates in `band` or better, of at least `min_score`."""
    found = drain(scan(catalog, cache=cache))
    allowed = BAND_ORDER[: BAND_ORDER.index(band) + 1] if band else BAND_ORDER
    result = Found(
        c for c in found if c.band in allowed and (min_score is None or c.score >= min_score)
    )
    result.kept = found.kept
    return result


def strong_pairs(catalog: Catalog) -> list[tuple[int, int]]:
    """The pairs a scan calls sure or likely (evidence for venue suggestions)."""
    return [c.works for c in candidates(catalog, band=Band.LIKELY)]


def groups(pairs: Iterable[Candidate]) -> list[list[int]]:
    """Connected groups of works the pairs join, each sorted, largest first."""
    return connected_groups(c.works for c in pairs)


def group_around(candidate: Candidate, pairs: Iterable[Candidate], limit: int) -> list[int]:
    """The pair's works first, then works tied to them by sure or likely pairs, up to `limit`:
    the copies of one paper the review screen shows side by side."""
    group = [candidate.a, candidate.b]
    if not candidate.band.is_duplicate:
        return group
    strong = [c for c in pairs if c.band.is_duplicate]
    grew = True
    while grew and len(group) < limit:
        grew = False
        for c in strong:
            a_in, b_in = c.a in group, c.b in group
            if a_in != b_in and len(group) < limit:
                group.append(c.b if a_in else c.a)
                grew = True
    return group


def auto_merge(catalog: Catalog, band: Band = Band.SURE) -> tuple[int, int]:
    """Merge every group of `band` pairs in one undoable step; returns (groups, works merged)."""
    if band != Band.SURE:
        raise CuratorError("only sure groups can be merged without looking (--band sure)")
    done = merge_groups(catalog, groups(candidates(catalog, band=Band.SURE)))
    return done.n_groups, done.n_works


@dataclass(frozen=True, slots=True)
class GroupsMerged:
    """What `merge_groups` did: its event (None when nothing was merged) and each group
    merged, as (surviving work, the group's works)."""

    event_id: int | None
    merged: tuple[tuple[int, tuple[int, ...]], ...]

    @property
    def n_groups(self) -> int:
        return len(self.merged)

    @property
    def n_works(self) -> int:
        return sum(len(ids) for _, ids in self.merged)


def merge_groups(catalog: Catalog, found: list[list[int]]) -> GroupsMerged:
    """Merge each group of works with the default picks, all in one undoable step.

    A group part of which a librarian decided distinct is left for review.
    """
    if not found:
        return GroupsMerged(None, ())
    backups.before(catalog, "auto-merge")  # the window's "Merge all sure groups" too
    with catalog.write() as s:
        merges: list[MergePayload] = []
        for group in found:
            if decisions.decided_pairs(s, group, kinds=("distinct",)):
                continue
            payload, _ = decisions.plan(s, group, None, {})
            apply_merge(s, payload)
            merges.append(payload)
        if not merges:
            return GroupsMerged(None, ())
        command = AutoMerge(AutoMergePayload(merges=merges))
        n_works = command.payload.n_works
        summary = f"Merge all sure groups: {counted(len(merges), 'group')}, {n_works} works"
        event_id = log.record(s, command, summary)
    merged = tuple((m.survivor, (m.survivor, *m.absorbed)) for m in merges)
    return GroupsMerged(event_id, merged)


def still_open(
    catalog: Catalog, found: list[Candidate]
) -> tuple[list[Candidate], dict[int, WorkRow]]:
    """The candidates whose works all still exist and whose pair nobody has decided since,
    with the table rows (titles...) of their works."""
    ids = sorted({w for c in found for w in c.works})
    with catalog.read() as s:
        rows = {r.id: r for r in queries.work_rows(s, ids=ids)} if ids else {}
        decided = decided_work_pairs(s)
    kept = [c for c in found if c.a in rows and c.b in rows and (c.a, c.b) not in decided]
    return kept, rows
