"""Venue labels that probably name one venue, with evidence, so a librarian can tidy venues fast."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, combinations

from curator.domain.catalog import VenueKind
from curator.domain.folding import fold
from curator.domain.matching import Band
from curator.domain.venues import venue_key

from .labels import (
    capitals,
    fingerprint,
    is_acronym_of,
    join_phrases,
    looks_abbreviated,
    own_acronym,
    strip_decorations,
)
from .rules import (
    SCORES,
    Edge,
    Group,
    MergedEvidence,
    Scores,
    VenueFacts,
    edges_by_pair,
    fits,
    group_of,
)

__all__ = [
    "LIKELY",
    "SCORES",
    "SURE",
    "MergedEvidence",
    "ParentLink",
    "Scores",
    "Suggestion",
    "VenueFacts",
    "fingerprint",
    "is_acronym_of",
    "strip_decorations",
    "suggest",
    "suggest_parents",
]

SURE = 0.9  # score at or above which a suggestion is "sure" (Accept all sure ones)
LIKELY = 0.75


@dataclass(frozen=True, slots=True)
class Suggestion:
    venue_ids: tuple[int, ...]  # sorted; one id for a pure clean-up
    labels: tuple[str, ...]  # their names, same order as venue_ids
    canonical: str
    short_name: str | None
    kind: str
    score: float  # 0..1, rounded to 2 decimals
    reasons: tuple[str, ...]
    # fingerprint, spelling, acronym, abbreviation, merged-works, duplicate-pairs, decoration
    rules: tuple[str, ...]
    notes: tuple[tuple[str, str], ...]  # (label, presentation note) kept rather than lost

    @property
    def band(self) -> Band:
        """The same words as duplicate candidates: sure (safe in bulk), likely, possible."""
        if self.score >= SURE:
            return Band.SURE
        return Band.LIKELY if self.score >= LIKELY else Band.POSSIBLE

    @property
    def key(self) -> frozenset[str]:
        """How a rejection of this suggestion is remembered."""
        return frozenset(venue_key(label) for label in self.labels)


@dataclass(frozen=True, slots=True)
class ParentLink:
    workshop_id: int
    parent_id: int
    reason: str


# --- clusters ---------------------------------------------------------------------------------


def _rejections(
    venues: dict[int, VenueFacts], rejected: Iterable[frozenset[str]]
) -> tuple[dict[int, set[int]], set[str]]:
    """Venue pairs the librarian said are not one, and names whose clean-up was refused."""
    owners: dict[str, set[int]] = defaultdict(set)
    for venue in venues.values():
        for label in (venue.name, *venue.labels):
            owners[venue_key(label)].add(venue.id)
    blocked: dict[int, set[int]] = defaultdict(set)
    quiet: set[str] = set()
    for keys in rejected:
        keys = frozenset(venue_key(k) for k in keys)
        if len(keys) == 1:
            quiet |= keys
        for k1, k2 in combinations(sorted(keys), 2):
            for a in owners.get(k1, ()):
                for b in owners.get(k2, set()) - {a}:
                    blocked[a].add(b)
                    blocked[b].add(a)
    return blocked, quiet


def _strength(edges: list[Edge]) -> float:
    """The strongest rule on a pair, plus a little for each other rule agreeing."""
    extra = SCORES.agreement * (len({e.rule for e in edges}) - 1)
    return round(min(SCORES.cap, max(e.score for e in edges) + extra), 2)


def _cluster(
    pairs: dict[tuple[int, int], list[Edge]],
    groups: dict[int, Group],
    blocked: dict[int, set[int]],
) -> list[tuple[frozenset[int], float]]:
    """Kruskal over the pairs, strongest first, refusing unions the guards forbid.

    A cluster's score is its weakest union: a venue joined by a faint link cannot ride on the
    strong links of the others.
    """
    root = {v: v for v in groups}
    group = dict(groups)
    weakest: dict[int, float] = {}

    def find(v: int) -> int:
        while root[v] != v:
            root[v] = root[root[v]]
            v = root[v]
        return v

    strengths = {pair: _strength(edges) for pair, edges in pairs.items()}
    for a, b in sorted(strengths, key=lambda p: (-strengths[p], p)):
        ra, rb = find(a), find(b)
        if ra == rb or not fits(group[ra], group[rb], blocked):
            continue
        root[rb] = ra
        group[ra] = group[ra].joined(group.pop(rb))
        weakest[ra] = min(weakest.get(ra, 1.0), weakest.pop(rb, 1.0), strengths[(a, b)])
    return [(group[r].members, score) for r, score in sorted(weakest.items())]


def _canonical(venues: list[VenueFacts], edges: list[Edge]) -> tuple[str, str | None]:
    works = {v.id: v.works for v in venues}
    acronyms = [(-e.score, -works[e.expansion[2]], e.expansion) for e in edges if e.expansion]
    if acronyms:
        long, short, _ = min(acronyms, key=lambda a: (a[:2], _style(a[2][0])))[2]
        return long, short
    cores = {v.id: strip_decorations(v.name)[0] for v in venues}
    ranked = sorted(  # a name written out beats its abbreviation, whatever the counts
        venues, key=lambda v: (looks_abbreviated(cores[v.id]), -v.works, *_style(cores[v.id]))
    )
    shorts = chain((v.short_name for v in ranked), (own_acronym(v.name) for v in ranked))
    return cores[ranked[0].id], next((s for s in shorts if s), None)


def _style(name: str) -> tuple[bool, int, str]:
    """Ties between names: most capitals first, but "JOURNAL OF X" shouts and comes last."""
    return (" " in name and name.isupper(), -capitals(name), name)


def _kind(venues: Iterable[VenueFacts]) -> str:
    counts = Counter(v.kind for v in venues if v.kind and v.kind != VenueKind.OTHER)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return ranked[0][0] if ranked else VenueKind.OTHER.value


def presentation_notes(labels: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """(label, note) for each presentation kind a label carries: ("NeurIPS (Oral)", "Oral")."""
    found = {(label, note) for label in set(labels) for note in strip_decorations(label)[1]}
    return tuple(sorted(found))


def _notes(venues: Iterable[VenueFacts]) -> tuple[tuple[str, str], ...]:
    return presentation_notes(label for v in venues for label in (v.name, *v.labels))


def _merge(venues: list[VenueFacts], score: float, edges: list[Edge]) -> Suggestion:
    edges = sorted(edges, key=lambda e: (-e.score, e.rule, e.a, e.b, e.reason))
    canonical, short = _canonical(venues, edges)
    ids, names = tuple(v.id for v in venues), tuple(v.name for v in venues)
    reasons = tuple(dict.fromkeys(e.reason for e in edges))
    rules = tuple(dict.fromkeys(e.rule for e in edges))
    return Suggestion(
        ids, names, canonical, short, _kind(venues), score, reasons, rules, _notes(venues)
    )


def _cleanup(venue: VenueFacts) -> Suggestion | None:
    core, notes, removed = strip_decorations(venue.name)
    if not (notes or removed):
        return None
    pieces = removed + tuple(f"the presentation note '{n}'" for n in notes)
    reason = f"'{venue.name}' is '{core}' with {join_phrases(pieces)}"
    notes_kept = tuple((venue.name, n) for n in notes)
    ids, names, score = (venue.id,), (venue.name,), SCORES.cleanup
    return Suggestion(
        ids,
        names,
        core,
        venue.short_name or own_acronym(venue.name),
        venue.kind,
        score,
        (reason,),
        ("decoration",),
        notes_kept,
    )


def _cleanups(
    venues: dict[int, VenueFacts], clustered: set[int], quiet: set[str]
) -> Iterator[Suggestion]:
    """Lone decorated names, unless refused or their core is another venue's label."""
    holders = {venue_key(label): v.id for v in venues.values() for label in (v.name, *v.labels)}
    for venue in venues.values():
        if venue.id in clustered or venue_key(venue.name) in quiet:
            continue
        found = _cleanup(venue)
        if found and holders.get(venue_key(found.canonical), venue.id) == venue.id:
            yield found


def suggest(
    venues: Sequence[VenueFacts],
    evidence: Sequence[MergedEvidence] = (),
    rejected: Iterable[frozenset[str]] = (),
) -> list[Suggestion]:
    """Clusters of venues that are probably one venue, and lone names to clean, surest first."""
    facts: dict[int, VenueFacts] = {}
    for venue in sorted(venues, key=lambda v: v.id):
        facts.setdefault(venue.id, venue)
    groups = {i: group_of(v) for i, v in facts.items()}
    blocked, quiet = _rejections(facts, rejected)
    pairs = edges_by_pair(facts, evidence, groups, blocked)
    clusters = _cluster(pairs, groups, blocked)
    home = {v: n for n, (members, _) in enumerate(clusters) for v in members}
    inside: dict[int, list[Edge]] = defaultdict(list)
    for (a, b), found in pairs.items():
        if a in home and home[a] == home.get(b):
            inside[home[a]].extend(found)
    out = [
        _merge([facts[i] for i in sorted(members)], score, inside[n])
        for n, (members, score) in enumerate(clusters)
    ]
    out.extend(_cleanups(facts, set(home), quiet))
    return sorted(out, key=lambda s: (-s.score, s.canonical, s.venue_ids))


# --- workshops and their conferences ---------------------------------------------------------

_PARENTHESISED = re.compile(r"\([^()]*\)")


def _conference_index(venues: Sequence[VenueFacts]) -> dict[tuple[str, ...], dict[int, int]]:
    """Folded names of conferences -> {conference id: rank}; rank 0 for a name as written."""
    index: dict[tuple[str, ...], dict[int, int]] = defaultdict(dict)
    for v in venues:
        if v.kind != VenueKind.CONFERENCE:
            continue
        forms = [(v.name, 0), (v.short_name or "", 0), (strip_decorations(v.name)[0], 1)]
        for text, rank in forms:
            key = tuple(fold(text).split())
            if key:
                index[key][v.id] = min(rank, index[key].get(v.id, rank))
    return index


def _named(
    label: str, index: dict[tuple[str, ...], dict[int, int]], longest: int
) -> dict[int, int]:
    """Conferences whose name appears in `label` as whole words, outside parentheses first."""
    for text in (_PARENTHESISED.sub(" ", label), label):
        words = fold(text).split()
        found: dict[int, int] = {}
        for i in range(len(words)):
            for n in range(1, min(longest, len(words) - i) + 1):
                for cid, rank in index.get(tuple(words[i : i + n]), {}).items():
                    found[cid] = min(rank, found.get(cid, rank))
        if found:
            return found
    return {}


def suggest_parents(venues: Sequence[VenueFacts]) -> list[ParentLink]:
    """Workshops without a parent whose label names exactly one conference."""
    index = _conference_index(venues)
    longest = max((len(k) for k in index), default=0)
    names = {v.id: v.name for v in venues}
    links = []
    for w in sorted(venues, key=lambda v: v.id):
        if w.kind != VenueKind.WORKSHOP or w.parent_id is not None:
            continue
        found: dict[int, tuple[int, str]] = {}  # conference id -> (rank, label naming it)
        for label in sorted({w.name, *w.labels}, key=lambda t: (t != w.name, t)):
            for cid, rank in _named(label, index, longest).items():
                found[cid] = min((rank, label), found.get(cid, (rank, label)))
        top = min((rank for rank, _ in found.values()), default=None)
        chosen = sorted(cid for cid, (rank, _) in found.items() if rank == top)
        if len(chosen) == 1:
            label = found[chosen[0]][1]
            reason = f"'{label}' names the conference '{names[chosen[0]]}'"
            links.append(ParentLink(w.id, chosen[0], reason))
    return links
