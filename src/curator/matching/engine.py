"""The duplicate scan: block, weigh, score, group, band; a generator so the GUI can show progress
and cancel.

A scan learns as it goes: the levels of every candidate pair (and of random pairs, and of the
pairs a librarian decided) estimate the weights for this catalog (`model.estimate`), then each
pair is scored with them and the strong ones are grouped without chaining (`clustering`).
"""

from __future__ import annotations

import gc
import math
import random
from array import array
from collections import Counter
from collections.abc import Collection, Generator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

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
from .clustering import LINKAGE, Link, Linkage, cluster
from .model import INDEX, LEVEL, Model, Pattern, estimate
from .normalize import Tokens
from .scoring import (
    BANDS,
    Bands,
    Evidence,
    Prepared,
    band_of,
    compare,
    explain,
    prepare,
    probability,
    vetoes,
)

SCORE_STEP = 5000  # pairs between two progress reports
CACHE_LIMIT = 200_000  # prepared works kept while scoring
RANDOM_PAIRS = 5_000  # random pairs that tell how often unrelated works agree (u)
_TITLE = INDEX["title"]
_IDENTICAL = frozenset((LEVEL["title"]["identical"], LEVEL["title"]["identical_short"]))


@dataclass(frozen=True, slots=True)
class Labels:
    """What the librarian decided, as the engine learns from it.

    `pairs`: (smaller work id, larger work id) -> whether they are one publication (a pair
    decided not duplicates or related is False). `same`: pairs of records a merge put into one
    work, as features (they are no longer works of their own).
    """

    pairs: Mapping[tuple[int, int], bool] = field(default_factory=dict)
    same: Sequence[tuple[WorkFeatures, WorkFeatures]] = ()


NO_LABELS = Labels()


class ScanCache(TokenCache):
    """What one catalog's scans keep between them (the window keeps one per session): works'
    tokens and word counts, and the weights the last full scan learned, which an incremental
    scan (new works against the catalog) uses instead of learning from its few pairs."""

    def __init__(self) -> None:
        super().__init__()
        self.model: Model | None = None


def is_duplicate(candidate: Candidate) -> bool:
    """Whether a candidate is more likely than not one publication (band sure or likely)."""
    return candidate.band.is_duplicate


class _PreparedCache:
    def __init__(self, works: Sequence[WorkFeatures], blocking: Blocking) -> None:
        self.works = works
        self.tokens = blocking.tokens
        self.cache: dict[int, Prepared] = {}

    def peek(self, index: int) -> Prepared:
        """A work's prepared form without keeping it (random pairs: seen once)."""
        return self.cache.get(index) or prepare(self.works[index], self.tokens[index])

    def __getitem__(self, index: int) -> Prepared:
        found = self.cache.get(index)
        if found is None:
            if len(self.cache) >= CACHE_LIMIT:
                self.cache.clear()
            found = self.cache[index] = prepare(self.works[index], self.tokens[index])
        return found


def scan(
    works: Sequence[WorkFeatures],
    new_ids: Collection[int] | None = None,
    *,
    rules: BlockingRules = RULES,
    bands: Bands = BANDS,
    cache: TokenCache | None = None,
    labels: Labels = NO_LABELS,
    model: Model | None = None,
) -> Generator[Progress, None, list[Candidate]]:
    """Find the pairs of `works` that may be one publication, best first.

    With `new_ids`, only pairs with at least one new work are returned (compared against the
    whole catalog). A `cache` kept between scans spares re-reading unchanged works. The weights
    are estimated from the catalog and `labels` unless a `model` is given. Yields progress
    regularly; closing the generator cancels the scan. Returns candidates in band `possible`
    or better, sorted by score, highest first.
    """
    with _collector_paused():
        new = None if new_ids is None else frozenset(new_ids)
        return (yield from _scan(works, new, rules, bands, cache, labels, model))


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


@dataclass(slots=True)
class _Levels:
    """The level pattern of every candidate pair, stored compactly, and their counts."""

    codes: array[int] = field(default_factory=lambda: array("I"))
    patterns: list[Pattern] = field(default_factory=list)
    index: dict[Pattern, int] = field(default_factory=dict)
    answers: list[tuple[int, bool]] = field(default_factory=list)  # (code, decided answer)

    def add(self, pattern: Pattern) -> int:
        code = self.index.get(pattern)
        if code is None:
            code = self.index[pattern] = len(self.patterns)
            self.patterns.append(pattern)
        self.codes.append(code)
        return code

    def counts(self) -> tuple[Counter[Pattern], Counter[tuple[Pattern, bool]]]:
        """(pattern -> pairs without an answer, (pattern, answer) -> pairs with one)."""
        by_code = Counter(self.codes)
        labelled: Counter[tuple[Pattern, bool]] = Counter()
        for code, answer in self.answers:
            by_code[code] -= 1
            labelled[self.patterns[code], answer] += 1
        unlabelled = Counter({self.patterns[c]: n for c, n in by_code.items() if n})
        return unlabelled, labelled


def _scan(
    works: Sequence[WorkFeatures],
    new: frozenset[int] | None,
    rules: BlockingRules,
    bands: Bands,
    cache: TokenCache | None,
    labels: Labels,
    model: Model | None,
) -> Generator[Progress, None, list[Candidate]]:
    blocking = yield from block(works, new, rules, cache)
    pairs = array("Q", sorted(blocking.pairs))  # 8 bytes a pair; the set is not needed again
    blocking.pairs.clear()
    prepared = _PreparedCache(works, blocking)
    levels = yield from _weigh(works, blocking, pairs, prepared, labels)
    if model is None and new is not None and isinstance(cache, ScanCache):
        model = cache.model
    if model is None:
        merged = Counter(compare(prepare(a), prepare(b)) for a, b in labels.same)
        random_pairs = _random_patterns(works, prepared)
        unlabelled, labelled = levels.counts()
        model = estimate(unlabelled, random_pairs, labelled, merged)
    if new is None and isinstance(cache, ScanCache):
        cache.model = model
    kept, links = yield from _score(works, blocking, pairs, prepared, levels, model, bands)
    return _grouped(works, blocking, kept, links, bands)


def _weigh(
    works: Sequence[WorkFeatures],
    blocking: Blocking,
    pairs: array[int],
    prepared: _PreparedCache,
    labels: Labels,
) -> Generator[Progress, None, _Levels]:
    """The levels of every candidate pair (first half of the scan's progress)."""
    levels = _Levels()
    answers = labels.pairs
    for done, pair in enumerate(pairs):
        a, b = divmod(pair, blocking.stride)
        code = levels.add(compare(prepared[a], prepared[b]))
        if answers:
            ida, idb = works[a].id, works[b].id
            answer = answers.get((ida, idb) if ida < idb else (idb, ida))
            if answer is not None:
                levels.answers.append((code, answer))
        if done % SCORE_STEP == 0:
            yield Progress(done, 2 * len(pairs), "Weighing candidate pairs")
    return levels


def _score(
    works: Sequence[WorkFeatures],
    blocking: Blocking,
    pairs: array[int],
    prepared: _PreparedCache,
    levels: _Levels,
    model: Model,
    bands: Bands,
) -> Generator[Progress, None, tuple[list[_Scored], _Links]]:
    """Each pair's score with the model's weights, the title's frequency and the vetoes: the
    pairs worth showing, and the links that weigh when groups are formed."""
    titles = _TitleFrequency.of(blocking.tokens)
    odds_of = [model.log_odds(p) for p in levels.patterns]
    vetoed = [vetoes(p, model) for p in levels.patterns]
    veto_odds = [  # what the vetoes weigh: without them, would the pair look like a copy?
        sum(model.weight(name, p[INDEX[name]])[0] for name in {name for name, _ in why})
        for p, why in zip(levels.patterns, vetoed, strict=True)
    ]
    kept: list[_Scored] = []
    links = _Links()  # every pair, to weigh when groups form
    possible, likely = _logit(bands.possible), _logit(bands.likely)
    for done, (pair, code) in enumerate(zip(pairs, levels.codes, strict=True)):
        if done % SCORE_STEP == 0:
            yield Progress(len(pairs) + done, 2 * len(pairs), "Scoring candidate pairs")
        a, b = divmod(pair, blocking.stride)
        if works[a].id > works[b].id:
            a, b = b, a
        pattern, odds, adjust = levels.patterns[code], odds_of[code], 0.0
        if pattern[_TITLE] in _IDENTICAL:
            adjust = titles.adjust(model, pattern, prepared[a].title)
            odds += adjust
        # another version when it would look like a copy but for what the vetoes weigh
        related = bool(vetoed[code]) and max(odds, odds - veto_odds[code]) >= likely
        links.add(a, b, min(odds, LINKAGE.veto) if vetoed[code] else odds)
        if odds < possible and not related:
            continue
        value = probability(odds, pattern)
        band = Band.RELATED if related else band_of(value, bands)
        if band is None:
            continue
        evidence = explain(prepared[a], prepared[b], pattern, model)
        if adjust:
            count = titles.counts[prepared[a].title]
            said = f"a title {count} works of this catalog share ({adjust:+.1f}, learned)"
            evidence.append((adjust, said))
        why = [reason for _, reason in vetoed[code]]
        kept.append((value, odds, a, b, evidence, why, band))
    yield Progress(2 * len(pairs), 2 * len(pairs), "Scoring candidate pairs")
    return kept, links


# score, log-odds, a, b, evidence, vetoes, band
_Scored = tuple[float, float, int, int, Evidence, list[str], Band]


def _logit(probability: float) -> float:
    return math.log(probability / (1 - probability))


def _random_patterns(works: Sequence[WorkFeatures], prepared: _PreparedCache) -> Counter[Pattern]:
    """The levels of random pairs of works: how often unrelated works agree by chance.

    Seeded by the catalog's size, so the same catalog always gets the same weights."""
    n = len(works)
    found: Counter[Pattern] = Counter()
    if n < 2:
        return found
    rng = random.Random(n)
    for _ in range(min(RANDOM_PAIRS, n * (n - 1) // 2)):
        a, b = rng.sample(range(n), 2)
        found[compare(prepared.peek(a), prepared.peek(b))] += 1
    return found


@dataclass(frozen=True, slots=True)
class _TitleFrequency:
    """Term-frequency adjustment of identical titles (as Splink does it): log(u / tf), where
    tf is the share of works with this title and u the chance that two works picked at random
    (a work with itself included) share a title, the sum of every title's tf squared. A title
    many works share ("Editorial" in 40 issues) is weaker evidence than the level's average;
    never below nothing at all, and never above it."""

    counts: Counter[str]
    n_works: int
    squares: int  # sum of every title's count squared

    @classmethod
    def of(cls, tokens: Sequence[Tokens]) -> _TitleFrequency:
        counts = Counter(t.title for t in tokens if t.title)
        return cls(counts, len(tokens), sum(c * c for c in counts.values()))

    def adjust(self, model: Model, pattern: Pattern, title: str) -> float:
        count = self.counts[title]
        if count < 3:  # two works: the pair itself
            return 0.0
        weight, _ = model.weight("title", pattern[_TITLE])
        return max(-max(weight, 0.0), min(0.0, math.log(self.squares / (self.n_works * count))))


class _Links:
    """Every scored pair (positions and log-odds) in compact arrays: 12 bytes a pair."""

    def __init__(self) -> None:
        self.a, self.b, self.odds = array("I"), array("I"), array("f")

    def add(self, a: int, b: int, odds: float) -> None:
        self.a.append(a)
        self.b.append(b)
        self.odds.append(odds)

    def between(self, works: Sequence[WorkFeatures], among: set[int]) -> Iterator[Link]:
        """The pairs whose two works are both `among` (positions), as work ids."""
        for a, b, odds in zip(self.a, self.b, self.odds, strict=True):
            if a in among and b in among:
                yield works[a].id, works[b].id, odds


def _grouped(
    works: Sequence[WorkFeatures],
    blocking: Blocking,
    kept: list[_Scored],
    links: _Links,
    bands: Bands,
) -> list[Candidate]:
    """Candidates best first; a strong pair the grouping kept apart is only worth a look."""
    kept.sort(key=lambda item: (-item[0], works[item[2]].id, works[item[3]].id))
    strong = [(a, b, odds) for _, odds, a, b, _, _, band in kept if band.is_duplicate]
    among = {x for a, b, _ in strong for x in (a, b)}
    linkage = Linkage(join=_logit(bands.likely))
    group = cluster(
        ((works[a].id, works[b].id, odds) for a, b, odds in strong),
        links.between(works, among),
        linkage,
    )
    result = []
    for item in kept:
        found = _candidate(works, blocking, item)
        if found.band.is_duplicate and group.get(found.a, found.a) != group.get(found.b, found.b):
            found = _kept_apart(found)
        result.append(found)
    return result


def _candidate(works: Sequence[WorkFeatures], blocking: Blocking, found: _Scored) -> Candidate:
    value, _, a, b, evidence, vetoed, band = found
    keys = tuple(describe_keys(shared_keys(blocking, a, b)))
    reasons = [reason for _, reason in evidence]
    if band is Band.RELATED:
        reasons.insert(0, "another version, not a copy: " + ", ".join(dict.fromkeys(vetoed)))
    if keys:
        reasons.append("met on: " + "; ".join(keys))
    return Candidate(works[a].id, works[b].id, value, band, tuple(reasons), keys)


def _kept_apart(found: Candidate) -> Candidate:
    """A strong pair whose works the grouping kept in different groups: worth a look only."""
    why = (
        "kept apart: other copies of these works say they differ, or are too unlike to be one group"
    )
    return replace(found, band=Band.POSSIBLE, reasons=(why, *found.reasons))
