"""The rules that find evidence two venues are one, the guards that veto it, and their weights."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, combinations

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from curator.domain.catalog import VenueKind
from curator.domain.folding import fold
from curator.domain.venues import guess_venue_kind

from .labels import (
    GENERIC,
    MINOR,
    YEAR,
    acronym_level,
    fingerprint,
    is_short,
    iso4,
    join_phrases,
    looks_abbreviated,
    strip_decorations,
    word_set,
)


@dataclass(frozen=True, slots=True)
class Scores:
    """Every weight of the venue rules, in one place."""

    fingerprint: float = 0.97
    decoration: float = 0.95
    cleanup: float = 0.85  # a lone decorated label, renamed to its core
    acronym_strict: float = 0.9
    acronym_loose: float = 0.8
    abbreviation: float = 0.85  # ISO 4 of the other label ("J. Comput. Sci." has three names)
    spelling_floor: float = 90.0  # fuzz.ratio of the folded labels
    spelling_base: float = 0.7  # score at the floor, + (ratio - floor) / 100
    spelling_max: float = 0.85
    spelling_min_chars: int = 8
    typo_edits: tuple[int, int] = (5, 10)  # differing words this long may be 1, 2 edits apart
    merged: tuple[float, ...] = (0.6, 0.8, 0.9)  # 1, 2, 3+ merged works
    # papers with sure or likely duplicates at both venues, not yet merged: (at least, score);
    # never sure alone (a conference paper and its journal version pair two venues too)
    duplicates: tuple[tuple[int, float], ...] = ((3, 0.6), (5, 0.75), (10, 0.85))
    agreement: float = 0.02  # per extra rule agreeing on a pair
    cap: float = 0.99


SCORES = Scores()


@dataclass(frozen=True, slots=True)
class VenueFacts:
    id: int
    name: str  # canonical name now
    kind: str  # a VenueKind value
    labels: tuple[str, ...]  # every label (alias) seen for it, as written
    works: int  # works using the venue
    short_name: str | None = None
    parent_id: int | None = None


@dataclass(frozen=True, slots=True)
class MergedEvidence:
    venue_a: int
    venue_b: int
    works: int  # merged works whose source records carried a label of each venue
    duplicates: bool = False  # True: papers whose sure or likely duplicates sit at each venue


# --- what the rules see ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Label:
    text: str
    venue: int
    folded: str
    core: str
    key: str  # the folded core
    pieces: tuple[str, ...]  # decorations set aside, described
    short: bool  # shaped like an acronym


@dataclass(frozen=True, slots=True)
class Group:
    """Venues that may become one: what must agree across them."""

    members: frozenset[int]
    kinds: frozenset[str]  # kinds other than "other": at most one
    numbers: tuple[str, ...]  # numbers that are not years ("SemEval-2")
    marks: frozenset[str]  # words of a separate publication ("Findings")
    topics: frozenset[str]  # a workshop's parenthesised topic
    preprint: bool = False  # a preprint server joins only preprint servers, never "other"

    def joined(self, other: Group) -> Group:
        return Group(
            self.members | other.members,
            self.kinds | other.kinds,
            self.numbers,
            self.marks,
            self.topics | other.topics,
            self.preprint,
        )


_SEPARATE = word_set(
    "findings companion demo demos demonstration demonstrations tutorial tutorials industry "
    "student doctoral adjunct supplement"
)


def group_of(venue: VenueFacts) -> Group:
    core = strip_decorations(venue.name)[0]
    folded = fold(core)
    numbers = tuple(sorted(n for n in re.findall(r"\d+", folded) if not YEAR.fullmatch(n)))
    kinds = frozenset({venue.kind or VenueKind.OTHER} - {VenueKind.OTHER})
    topic = " ".join(fold(t) for t in re.findall(r"\(([^()]*)\)", core))
    topics = frozenset({topic}) if venue.kind == VenueKind.WORKSHOP else frozenset()
    kind = venue.kind if venue.kind != VenueKind.OTHER else guess_venue_kind(venue.name)
    return Group(
        frozenset({venue.id}),
        kinds,
        numbers,
        frozenset(folded.split()) & _SEPARATE,
        topics,
        kind == VenueKind.PREPRINT,
    )


def fits(a: Group, b: Group, blocked: dict[int, set[int]]) -> bool:
    """Whether the guards (kinds, numbers, publications, topics, rejections) allow a join."""
    if len(a.kinds | b.kinds) > 1 or a.numbers != b.numbers or a.marks != b.marks:
        return False
    if a.preprint != b.preprint:
        return False
    if not all(x == y or _misspelt(x, y) for x in a.topics for y in b.topics):
        return False
    return not any(blocked.get(m, set()) & b.members for m in a.members)


def _misspelt(a: str, b: str) -> bool:
    """Whether two folded labels differ only by misspelt words, not by words of their own."""
    if fuzz.ratio(a, b) < SCORES.spelling_floor:
        return False
    ca, cb = Counter(a.split()), Counter(b.split())
    only_a = "".join(w for w in a.split() if w in ca - cb and w not in MINOR)
    only_b = "".join(w for w in b.split() if w in cb - ca and w not in MINOR)
    if not only_a or not only_b:
        return only_a == only_b
    one, two = SCORES.typo_edits
    allowed = 2 if len(only_a) >= two else 1 if len(only_a) >= one else 0  # "DL" is not "ML"
    return OSA.distance(only_a, only_b, score_cutoff=allowed) <= allowed


def _labels(venues: Iterable[VenueFacts]) -> list[_Label]:
    out = []
    for venue in venues:
        for text in sorted({" ".join(t.split()) for t in (venue.name, *venue.labels)} - {""}):
            core, notes, removed = strip_decorations(text)
            pieces = removed + tuple(f"the presentation note '{n}'" for n in notes)
            out.append(_Label(text, venue.id, fold(text), core, fold(core), pieces, is_short(core)))
    return out


# --- rules: each yields edges between two venues ---------------------------------------------


@dataclass(frozen=True, slots=True)
class Edge:
    a: int
    b: int
    rule: str
    score: float
    reason: str
    expansion: tuple[str, str, int] | None = None  # (long form, acronym, its venue): acronym rule


def _edge(
    x: _Label,
    y: _Label,
    rule: str,
    score: float,
    reason: str,
    expansion: tuple[str, str, int] | None = None,
) -> Edge:
    a, b = sorted((x.venue, y.venue))
    return Edge(a, b, rule, round(score, 2), reason, expansion)


def _cross_pairs(
    group: list[_Label], keep: Callable[[_Label, _Label], bool] = lambda x, y: True
) -> Iterator[tuple[_Label, _Label]]:
    """The first pair of labels kept for each two venues of one group."""
    if len({lab.venue for lab in group}) < 2:
        return
    seen: set[tuple[int, int]] = set()
    for x, y in combinations(sorted(group, key=lambda lab: (lab.venue, lab.text)), 2):
        pair = (x.venue, y.venue)
        if x.venue != y.venue and pair not in seen and keep(x, y):
            seen.add(pair)
            yield x, y


def _grouped(labels: list[_Label], key: Callable[[_Label], str]) -> list[list[_Label]]:
    groups: dict[str, list[_Label]] = defaultdict(list)
    for lab in labels:
        groups[key(lab)].append(lab)
    return [group for k, group in sorted(groups.items()) if k and len(group) > 1]


def _fingerprint_edges(labels: list[_Label]) -> Iterator[Edge]:
    for group in _grouped(labels, lambda lab: fingerprint(lab.text)):
        for x, y in _cross_pairs(group):
            why = "are the same up to case, punctuation, accents or word order"
            yield _edge(x, y, "fingerprint", SCORES.fingerprint, f"'{x.text}' and '{y.text}' {why}")


def _decorated_pair(x: _Label, y: _Label) -> bool:
    return bool(x.pieces or y.pieces) and fingerprint(x.text) != fingerprint(y.text)


def _decoration_edges(labels: list[_Label]) -> Iterator[Edge]:
    for group in _grouped(labels, lambda lab: lab.key):
        for x, y in _cross_pairs(group, _decorated_pair):
            pieces = join_phrases(dict.fromkeys(x.pieces + y.pieces))
            reason = f"'{x.text}' and '{y.text}' are the same without {pieces}"
            yield _edge(x, y, "decoration", SCORES.decoration, reason)


def _first_letters(words: list[str]) -> list[str]:
    """Letters an acronym of `words` can start with: leading generic words may be skipped."""
    out = []
    for word in words:
        if word in MINOR:
            continue
        out.append(word[0])
        if word not in GENERIC:
            break
    return sorted(set(out))


def _acronym_edges(labels: list[_Label]) -> Iterator[Edge]:
    shorts: dict[str, list[_Label]] = defaultdict(list)
    for lab in labels:
        if lab.short:
            shorts[lab.key[0]].append(lab)
    for long in labels:
        words = long.key.split()
        if long.short or len(words) < 2 or looks_abbreviated(long.core):
            continue
        for short in chain.from_iterable(shorts.get(c, ()) for c in _first_letters(words)):
            level = acronym_level(short.key, words) if short.venue != long.venue else 0
            if level:
                score = SCORES.acronym_strict if level == 2 else SCORES.acronym_loose
                why = f"'{short.core}' is the acronym of '{long.core}'"
                yield _edge(short, long, "acronym", score, why, (long.core, short.core, long.venue))


def _signature_words(folded: str) -> str:
    """A name without its minor words: "The Annals of Statistics" is "annals statistics"."""
    return " ".join(w for w in folded.split() if w not in MINOR)


def _signature(folded: str) -> tuple[str, ...]:
    return tuple(w[0] for w in folded.split() if w not in MINOR)


def _abbreviation_edges(labels: list[_Label]) -> Iterator[Edge]:
    """ "J. Mach. Learn. Res." and "Journal of Machine Learning Research", by the ISO 4 rules
    (pyiso4 and the ISSN's list of title word abbreviations). An abbreviation two different
    names shorten to joins neither."""
    abbreviated: dict[tuple[str, ...], list[_Label]] = defaultdict(list)
    for lab in labels:
        if looks_abbreviated(lab.core):
            abbreviated[_signature(lab.key)].append(lab)
    found: dict[str, dict[str, list[_Label]]] = defaultdict(lambda: defaultdict(list))
    for long in labels:
        candidates = abbreviated.get(_signature(long.key), [])
        if not candidates or long.short or looks_abbreviated(long.core):
            continue
        iso = fold(iso4(long.core))
        for short in candidates:
            if short.key == iso and short.key != long.key:
                found[short.text][_signature_words(long.key)].append(long)
    by_text = {lab.text: lab for labs in abbreviated.values() for lab in labs}
    for text, longs in sorted(found.items()):
        if len(longs) == 1:
            short = by_text[text]
            for long in next(iter(longs.values())):
                if long.venue != short.venue:
                    why = f"'{short.core}' is the ISO 4 abbreviation of '{long.core}'"
                    yield _edge(short, long, "abbreviation", SCORES.abbreviation, why)


def _drop_ambiguous(best: dict[tuple[int, int, str], Edge]) -> None:
    """An acronym that expands to two different venues ("ICML": two names) joins neither."""
    expansions: dict[int, dict[int, str]] = defaultdict(dict)  # short venue -> long venue -> form
    for e in best.values():
        if e.expansion:
            long = e.expansion[2]
            expansions[e.a if long == e.b else e.b][long] = fold(e.expansion[0])
    linked = {(a, b) for a, b, rule in best if rule != "acronym"}
    for short, forms in expansions.items():
        rivals = [
            (u, v)
            for u, v in combinations(sorted(forms), 2)
            if (u, v) not in linked and forms[u] != forms[v] and not _misspelt(forms[u], forms[v])
        ]
        if rivals:
            for long in forms:
                del best[(min(short, long), max(short, long), "acronym")]


def _spelling_edges(labels: list[_Label]) -> Iterator[Edge]:
    by_text: dict[str, list[_Label]] = defaultdict(list)
    for lab in labels:
        if not lab.short and len(lab.folded) >= SCORES.spelling_min_chars:
            by_text[lab.folded].append(lab)
    texts = sorted(by_text, key=lambda t: (len(t), t))
    lengths = [len(t) for t in texts]
    floor = SCORES.spelling_floor
    for i, query in enumerate(texts):
        end = bisect_right(lengths, len(query) * (200 - floor) / floor)  # longer cannot reach
        found = process.extract(
            query, texts[i + 1 : end], scorer=fuzz.ratio, limit=None, score_cutoff=floor
        )
        for other, ratio, _ in found:
            if _spelling_alike(query, other):
                group = by_text[query] + by_text[other]
                for x, y in _cross_pairs(group, lambda x, y: x.key != y.key):
                    score = min(SCORES.spelling_max, SCORES.spelling_base + (ratio - floor) / 100)
                    reason = (
                        f"'{x.text}' and '{y.text}' are spelled almost alike ({ratio:.0f}% similar)"
                    )
                    yield _edge(x, y, "spelling", score, reason)


def _spelling_alike(a: str, b: str) -> bool:
    if sorted(re.findall(r"\d+", a)) != sorted(re.findall(r"\d+", b)):
        return False
    if fingerprint(a) == fingerprint(b):
        return False  # the fingerprint rule's evidence, not a spelling
    return _misspelt(a, b)


def _merged_edges(evidence: Iterable[MergedEvidence], venues: dict[int, VenueFacts]) -> list[Edge]:
    works: Counter[tuple[int, int, bool]] = Counter()
    for item in evidence:
        if item.venue_a != item.venue_b and {item.venue_a, item.venue_b} <= venues.keys():
            a, b = sorted((item.venue_a, item.venue_b))
            works[a, b, item.duplicates] += item.works
    out = []
    for (a, b, duplicates), n in sorted(works.items()):
        if duplicates:
            score = max((s for least, s in SCORES.duplicates if n >= least), default=0.0)
            if score:
                both = f"'{venues[a].name}' and '{venues[b].name}'"
                reason = f"{n} papers have sure or likely duplicates under both {both}"
                out.append(Edge(a, b, "duplicate-pairs", score, reason))
        elif n > 0:
            score = SCORES.merged[min(n, len(SCORES.merged)) - 1]
            had = f"{n} merged work{'s' if n != 1 else ''} had"
            reason = f"{had} '{venues[a].name}' on one side and '{venues[b].name}' on the other"
            out.append(Edge(a, b, "merged-works", score, reason))
    return out


def edges_by_pair(
    facts: dict[int, VenueFacts],
    evidence: Sequence[MergedEvidence],
    groups: dict[int, Group],
    blocked: dict[int, set[int]],
) -> dict[tuple[int, int], list[Edge]]:
    """Every rule's edges, the strongest of each rule on a pair, where the guards allow."""
    labels = _labels(facts.values())
    rules = (
        _fingerprint_edges,
        _decoration_edges,
        _acronym_edges,
        _abbreviation_edges,
        _spelling_edges,
    )
    edges = chain(*(rule(labels) for rule in rules), _merged_edges(evidence, facts))
    best: dict[tuple[int, int, str], Edge] = {}
    for e in edges:
        k = (e.a, e.b, e.rule)
        if (k not in best or e.score > best[k].score) and fits(groups[e.a], groups[e.b], blocked):
            best[k] = e
    _drop_ambiguous(best)
    pairs: dict[tuple[int, int], list[Edge]] = defaultdict(list)
    for (a, b, _), e in sorted(best.items()):
        pairs[(a, b)].append(e)
    return pairs
