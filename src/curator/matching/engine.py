"""The duplicate scan: block, score, band; a generator so the GUI can show progress and cancel."""

from __future__ import annotations

import gc
from collections.abc import Collection, Generator, Iterator, Sequence
from contextlib import contextmanager

from curator.domain.matching import Band, Candidate, WorkFeatures
from curator.domain.progress import Progress

from .blocking import (
    RULES,
    Blocking,
    BlockingRules,
    TokenCache,
    block,
    describe_keys,
    shared_keys,
)
from .scoring import BANDS, WEIGHTS, Bands, Prepared, Weights, band_of, prepare, score_prepared

SCORE_STEP = 5000  # pairs between two progress reports
CACHE_LIMIT = 200_000  # prepared works kept while scoring


def is_duplicate(candidate: Candidate) -> bool:
    """Whether a candidate is more likely than not one publication (band sure or likely)."""
    return candidate.band.is_duplicate


class _PreparedCache:
    def __init__(self, works: Sequence[WorkFeatures], blocking: Blocking) -> None:
        self.works = works
        self.tokens = blocking.tokens
        self.cache: dict[int, Prepared] = {}

    def __getitem__(self, index: int) -> Prepared:
        found = self.cache.get(index)
        if found is None:
            if len(self.cache) >= CACHE_LIMIT:
                self.cache.clear()
            found = self.cache[index] = prepare(self.works[index], self.tokens[index])
        return found


def _candidate(
    works: Sequence[WorkFeatures],
    blocking: Blocking,
    found: tuple[float, int, int, list[tuple[float, str]]],
    band: Band,
) -> Candidate:
    value, a, b, evidence = found
    keys = tuple(describe_keys(shared_keys(blocking, a, b)))
    reasons = [reason for _, reason in evidence]
    if keys:
        reasons.append("met on: " + "; ".join(keys))
    return Candidate(works[a].id, works[b].id, value, band, tuple(reasons), keys)


def scan(
    works: Sequence[WorkFeatures],
    new_ids: Collection[int] | None = None,
    *,
    rules: BlockingRules = RULES,
    weights: Weights = WEIGHTS,
    bands: Bands = BANDS,
    cache: TokenCache | None = None,
) -> Generator[Progress, None, list[Candidate]]:
    """Find the pairs of `works` that may be one publication, best first.

    With `new_ids`, only pairs with at least one new work are returned (compared against the
    whole catalog). A `cache` kept between scans spares re-reading unchanged works. Yields
    progress regularly; closing the generator cancels the scan. Returns candidates in band
    `possible` or better, sorted by score, highest first.
    """
    with _collector_paused():
        new = None if new_ids is None else frozenset(new_ids)
        return (yield from _scan(works, new, rules, weights, bands, cache))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic collector off for the scan: it builds millions of small acyclic objects,
    and collecting while they pile up doubled the time of a 100k scan."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _scan(
    works: Sequence[WorkFeatures],
    new: frozenset[int] | None,
    rules: BlockingRules,
    weights: Weights,
    bands: Bands,
    cache: TokenCache | None,
) -> Generator[Progress, None, list[Candidate]]:
    blocking = yield from block(works, new, rules, cache)
    pairs = sorted(blocking.pairs)
    prepared = _PreparedCache(works, blocking)
    kept: list[tuple[float, int, int, list[tuple[float, str]]]] = []
    for done, pair in enumerate(pairs):
        a, b = blocking.unpack(pair)
        if works[a].id > works[b].id:
            a, b = b, a
        value, evidence = score_prepared(prepared[a], prepared[b], weights)
        if band_of(value, bands) is not None:
            kept.append((value, a, b, evidence))
        if done % SCORE_STEP == 0:
            yield Progress(done, len(pairs), "Scoring candidate pairs")
    yield Progress(len(pairs), len(pairs), "Scoring candidate pairs")
    kept.sort(key=lambda item: (-item[0], works[item[1]].id, works[item[2]].id))
    result = []
    for item in kept:
        band = band_of(item[0], bands)
        assert band is not None
        result.append(_candidate(works, blocking, item, band))
    return result
