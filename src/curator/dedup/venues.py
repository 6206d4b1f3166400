"""Venue labels that probably name one venue, with evidence, so a librarian can tidy venues fast."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, combinations

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from curator.domain.catalog import VenueKind
from curator.domain.venues import guess_venue_kind, venue_key

from .normalize import fold

SURE = 0.9  # score at or above which a suggestion is "sure" (Accept all sure ones)
LIKELY = 0.75


@dataclass(frozen=True, slots=True)
class Scores:
    """Every weight of the venue rules, in one place."""

    fingerprint: float = 0.97
    decoration: float = 0.95
    cleanup: float = 0.85  # a lone decorated label, renamed to its core
    acronym_strict: float = 0.9
    acronym_loose: float = 0.8
    spelling_floor: float = 90.0  # fuzz.ratio of the folded labels
    spelling_base: float = 0.7  # score at the floor, + (ratio - floor) / 100
    spelling_max: float = 0.85
    spelling_min_chars: int = 8
    typo_edits: tuple[int, int] = (5, 10)  # differing words this long may be 1, 2 edits apart
    merged: tuple[float, ...] = (0.6, 0.8, 0.9)  # 1, 2, 3+ merged works
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


@dataclass(frozen=True, slots=True)
class Suggestion:
    venue_ids: tuple[int, ...]  # sorted; one id for a pure clean-up
    labels: tuple[str, ...]  # their names, same order as venue_ids
    canonical: str
    short_name: str | None
    kind: str
    score: float  # 0..1, rounded to 2 decimals
    reasons: tuple[str, ...]
    rules: tuple[str, ...]  # "fingerprint", "spelling", "acronym", "merged-works", "decoration"
    notes: tuple[tuple[str, str], ...]  # (label, presentation note) kept rather than lost

    @property
    def band(self) -> str:
        if self.score >= SURE:
            return "sure"
        return "likely" if self.score >= LIKELY else "maybe"

    @property
    def key(self) -> frozenset[str]:
        """How a rejection of this suggestion is remembered."""
        return frozenset(venue_key(label) for label in self.labels)


@dataclass(frozen=True, slots=True)
class ParentLink:
    workshop_id: int
    parent_id: int
    reason: str


# --- labels -----------------------------------------------------------------------------------


def fingerprint(label: str) -> str:
    """OpenRefine's key: folded tokens, deduplicated and sorted."""
    return " ".join(sorted(set(fold(label).split())))


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_MARK = r"(?:spotlight|oral|poster)(?:\s+(?:presentation|paper|talk|session|track))?"
_MARK_GROUP = re.compile(rf"[\(\[]\s*({_MARK})\s*[\)\]]", re.IGNORECASE)
_MARK_TRAILING = re.compile(rf"(?<=\S)[\s,;:–—-]+({_MARK})\s*$", re.IGNORECASE)
_YEAR = re.compile(r"(?<![\d.])(?:19[5-9]\d|20[0-3]\d)(?!\.?\d)")  # not "arXiv:2012.01234"
_SHORT_YEAR = re.compile(r"\s?['’‘](\d{2})(?![\w'’])")
_PLACE_PART = r"[A-Z][^,\d()\[\]:;]{1,40}"
_PLACE = re.compile(rf"\s*,\s*({_PLACE_PART}(?:,\s*{_PLACE_PART}){{0,2}})\s*")
_NOT_PLACES = _words(
    "workshop workshops conference symposium track proceedings journal findings volume part "
    "session special issue edition"
)
_UNITS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth"
_ORDINAL = re.compile(
    rf"\b(?:\d{{1,3}}(?:st|nd|rd|th)|(?:(?:twenty|thirty|forty|fifty)[-\s]?)?(?:{_UNITS})"
    r"|tenth|eleventh|twelfth|(?:thir|four|fif|six|seven|eigh|nine)teenth"
    r"|twentieth|thirtieth|fortieth|fiftieth)\b",
    re.IGNORECASE,
)
_IN = re.compile(r"^in\b\s*:?\s*", re.IGNORECASE)
_PROCEEDINGS = re.compile(
    r"^(?:proceedings|proc\.?)(?=[\s:,]|$)(?:\s+of\b)?(?:\s+the\b)?[\s:,]*", re.IGNORECASE
)
_THE = re.compile(r"^the\s+", re.IGNORECASE)


def _conference_like(text: str) -> bool:
    return guess_venue_kind(text) in (VenueKind.CONFERENCE, VenueKind.WORKSHOP)


def _capitals(text: str) -> int:
    return sum(c.isupper() for c in text)


def _take_marks(text: str, notes: list[str]) -> str:
    notes.extend(m.group(1) for m in _MARK_GROUP.finditer(text))
    text = _MARK_GROUP.sub(" ", text)
    match = _MARK_TRAILING.search(text)
    if match:
        notes.append(match.group(1))
        text = text[: match.start()]
    return text


def _prefix(text: str, after_prefix: bool) -> re.Match[str] | None:
    """A leading "In", "Proceedings of the" or "The" that only decorates a conference's name."""
    match = _IN.match(text)
    rest = text[match.end() :] if match else ""
    if match and (_PROCEEDINGS.match(rest) or _THE.match(rest) or _conference_like(rest)):
        return match
    match = _PROCEEDINGS.match(text)
    if match and _conference_like(text[match.end() :]):
        return match
    match = _THE.match(text)
    rest = text[match.end() :] if match else ""
    ordinal = _ORDINAL.match(rest) and _conference_like(rest)
    return match if match and (after_prefix or ordinal) else None


def _take_prefixes(text: str, removed: list[str]) -> str:
    text, before = " ".join(text.split()), len(removed)
    while (match := _prefix(text, len(removed) > before)) and match.end() < len(text):
        removed.append(f"'{match.group(0).strip(' :,')}'")
        text = text[match.end() :]
    if _conference_like(text):  # "21st Century Music" keeps its ordinal
        removed.extend(f"the ordinal '{m.group(0)}'" for m in _ORDINAL.finditer(text))
        text = _ORDINAL.sub(" ", text)
    return text


def _take_years(text: str, removed: list[str]) -> str:
    for match in reversed(list(_SHORT_YEAR.finditer(text))):
        word = re.search(r"(\w+)$", text[: match.start()])
        if word and _capitals(word.group(1)) >= 2:  # "ICML'23", not "Women's 23"
            removed.append(f"the year '{match.group(1)}")
            text = text[: match.start()] + text[match.end() :]
    years = list(_YEAR.finditer(text))
    if not years:
        return text
    removed.extend(dict.fromkeys(f"the year {m.group(0)}" for m in years))
    place = _PLACE.fullmatch(text[years[-1].end() :])
    if place and not set(fold(place.group(1)).split()) & _NOT_PLACES:
        removed.append(f"the city '{place.group(1).strip()}'")
        text = text[: years[-1].end()]
    return _YEAR.sub(" ", text)


def _tidy(text: str) -> str:
    text = re.sub(r"[\(\[][\s,;:/–—-]*[\)\]]", " ", text)  # brackets left empty
    text = re.sub(r"(?<=\w)[-–—/](?=\s|$)", " ", text)  # "SemEval- Task 1"
    text = re.sub(r"\s+([,;:\)\]])", r"\1", text)
    text = re.sub(r"([\(\[])\s+", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    return " ".join(text.split()).strip(" ,;:/–—-")


@lru_cache(maxsize=65536)
def strip_decorations(label: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(core, presentation notes, removed pieces described): what a label is without decorations.

    Prefixes and ordinals are only removed from labels that look like a conference or workshop,
    so "Proceedings of the National Academy of Sciences" and "Second Language Research" stay.
    "(Findings)" is a publication of its own, not a decoration, and stays too.
    """
    text = " ".join(label.split())
    notes: list[str] = []
    removed: list[str] = []
    core = _tidy(_take_years(_take_prefixes(_take_marks(text, notes), removed), removed))
    if not core:
        return text, (), ()
    return core, tuple(notes), tuple(removed)


_MINOR = _words("of the on in for and a an at to")
_GENERIC = _words("conference annual international proceedings meeting symposium joint")
_SHORT = re.compile(r"[A-Za-z]{2,10}")


def _is_short(core: str) -> bool:
    return bool(_SHORT.fullmatch(core)) and _capitals(core) >= 2


def _loose(letters: str, words: tuple[str, ...]) -> bool:
    """Each run of letters starts the next word; generic words may be skipped."""

    def match(i: int, j: int) -> bool:
        if j == len(words):
            return i == len(letters)
        word = words[j]
        if word in _GENERIC and match(i, j + 1):
            return True
        k = 0
        while i + k < len(letters) and k < len(word) and letters[i + k] == word[k]:
            k += 1
            if match(i + k, j + 1):
                return True
        return False

    return match(0, 0)


def _acronym_level(letters: str, words: Sequence[str]) -> int:
    """2 strict, 1 loose, 0 none: how well `letters` abbreviate the folded `words`."""
    significant = tuple(w for w in words if w != letters and w not in _MINOR)
    proper = [w for w in significant if w not in _GENERIC]
    rest = iter(letters)
    if len(significant) < 2 or not all(w[0] in rest for w in proper):  # quick refusal
        return 0
    if "".join(w[0] for w in significant) == letters:
        return 2 if len(proper) >= 2 else 1  # "ACL" for "Annual Conference on Learning" is loose
    return 1 if _loose(letters, significant) else 0


def is_acronym_of(short: str, long: str) -> bool:
    """Whether `short` ("ICML", "NeurIPS") abbreviates `long`, decorations set aside."""
    core = strip_decorations(short)[0]
    if not _is_short(core):
        return False
    return _acronym_level(fold(core), fold(strip_decorations(long)[0]).split()) > 0


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
class _Group:
    """Venues that may become one: what must agree across them."""

    members: frozenset[int]
    kinds: frozenset[str]  # kinds other than "other": at most one
    numbers: tuple[str, ...]  # numbers that are not years ("SemEval-2")
    marks: frozenset[str]  # words of a separate publication ("Findings")
    topics: frozenset[str]  # a workshop's parenthesised topic

    def joined(self, other: _Group) -> _Group:
        return _Group(
            self.members | other.members,
            self.kinds | other.kinds,
            self.numbers,
            self.marks,
            self.topics | other.topics,
        )


_SEPARATE = _words(
    "findings companion demo demos demonstration demonstrations tutorial tutorials industry "
    "student doctoral adjunct supplement"
)


def _group_of(venue: VenueFacts) -> _Group:
    core = strip_decorations(venue.name)[0]
    folded = fold(core)
    numbers = tuple(sorted(n for n in re.findall(r"\d+", folded) if not _YEAR.fullmatch(n)))
    kinds = frozenset({venue.kind or VenueKind.OTHER} - {VenueKind.OTHER})
    topic = " ".join(fold(t) for t in re.findall(r"\(([^()]*)\)", core))
    topics = frozenset({topic}) if venue.kind == VenueKind.WORKSHOP else frozenset()
    return _Group(
        frozenset({venue.id}), kinds, numbers, frozenset(folded.split()) & _SEPARATE, topics
    )


def _fits(a: _Group, b: _Group, blocked: dict[int, set[int]]) -> bool:
    if len(a.kinds | b.kinds) > 1 or a.numbers != b.numbers or a.marks != b.marks:
        return False
    if not all(x == y or _misspelt(x, y) for x in a.topics for y in b.topics):
        return False
    return not any(blocked.get(m, set()) & b.members for m in a.members)


def _misspelt(a: str, b: str) -> bool:
    """Whether two folded labels differ only by misspelt words, not by words of their own."""
    if fuzz.ratio(a, b) < SCORES.spelling_floor:
        return False
    ca, cb = Counter(a.split()), Counter(b.split())
    only_a = "".join(w for w in a.split() if w in ca - cb and w not in _MINOR)
    only_b = "".join(w for w in b.split() if w in cb - ca and w not in _MINOR)
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
            out.append(
                _Label(text, venue.id, fold(text), core, fold(core), pieces, _is_short(core))
            )
    return out


# --- rules: each yields edges between two venues ---------------------------------------------


@dataclass(frozen=True, slots=True)
class _Edge:
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
) -> _Edge:
    a, b = sorted((x.venue, y.venue))
    return _Edge(a, b, rule, round(score, 2), reason, expansion)


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


def _fingerprint_edges(labels: list[_Label]) -> Iterator[_Edge]:
    for group in _grouped(labels, lambda lab: fingerprint(lab.text)):
        for x, y in _cross_pairs(group):
            why = "are the same up to case, punctuation, accents or word order"
            yield _edge(x, y, "fingerprint", SCORES.fingerprint, f"'{x.text}' and '{y.text}' {why}")


def _decorated_pair(x: _Label, y: _Label) -> bool:
    return bool(x.pieces or y.pieces) and fingerprint(x.text) != fingerprint(y.text)


def _decoration_edges(labels: list[_Label]) -> Iterator[_Edge]:
    for group in _grouped(labels, lambda lab: lab.key):
        for x, y in _cross_pairs(group, _decorated_pair):
            pieces = _join(dict.fromkeys(x.pieces + y.pieces))
            reason = f"'{x.text}' and '{y.text}' are the same without {pieces}"
            yield _edge(x, y, "decoration", SCORES.decoration, reason)


def _first_letters(words: list[str]) -> list[str]:
    """Letters an acronym of `words` can start with: leading generic words may be skipped."""
    out = []
    for word in words:
        if word in _MINOR:
            continue
        out.append(word[0])
        if word not in _GENERIC:
            break
    return sorted(set(out))


def _acronym_edges(labels: list[_Label]) -> Iterator[_Edge]:
    shorts: dict[str, list[_Label]] = defaultdict(list)
    for lab in labels:
        if lab.short:
            shorts[lab.key[0]].append(lab)
    for long in labels:
        words = long.key.split()
        if long.short or len(words) < 2:
            continue
        for short in chain.from_iterable(shorts.get(c, ()) for c in _first_letters(words)):
            level = _acronym_level(short.key, words) if short.venue != long.venue else 0
            if level:
                score = SCORES.acronym_strict if level == 2 else SCORES.acronym_loose
                why = f"'{short.core}' is the acronym of '{long.core}'"
                yield _edge(short, long, "acronym", score, why, (long.core, short.core, long.venue))


def _drop_ambiguous(best: dict[tuple[int, int, str], _Edge]) -> None:
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


def _spelling_edges(labels: list[_Label]) -> Iterator[_Edge]:
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


def _merged_edges(evidence: Iterable[MergedEvidence], venues: dict[int, VenueFacts]) -> list[_Edge]:
    works: Counter[tuple[int, int]] = Counter()
    for item in evidence:
        if item.venue_a != item.venue_b and {item.venue_a, item.venue_b} <= venues.keys():
            works[(min(item.venue_a, item.venue_b), max(item.venue_a, item.venue_b))] += item.works
    out = []
    for (a, b), n in sorted(works.items()):
        if n > 0:
            score = SCORES.merged[min(n, len(SCORES.merged)) - 1]
            had = f"{n} merged work{'s' if n != 1 else ''} had"
            reason = f"{had} '{venues[a].name}' on one side and '{venues[b].name}' on the other"
            out.append(_Edge(a, b, "merged-works", score, reason))
    return out


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


def _strength(edges: list[_Edge]) -> float:
    """The strongest rule on a pair, plus a little for each other rule agreeing."""
    extra = SCORES.agreement * (len({e.rule for e in edges}) - 1)
    return round(min(SCORES.cap, max(e.score for e in edges) + extra), 2)


def _cluster(
    pairs: dict[tuple[int, int], list[_Edge]],
    groups: dict[int, _Group],
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
        if ra == rb or not _fits(group[ra], group[rb], blocked):
            continue
        root[rb] = ra
        group[ra] = group[ra].joined(group.pop(rb))
        weakest[ra] = min(weakest.get(ra, 1.0), weakest.pop(rb, 1.0), strengths[(a, b)])
    return [(group[r].members, score) for r, score in sorted(weakest.items())]


def _join(parts: Iterable[str]) -> str:
    parts = list(parts)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _canonical(venues: list[VenueFacts], edges: list[_Edge]) -> tuple[str, str | None]:
    works = {v.id: v.works for v in venues}
    acronyms = [(-e.score, -works[e.expansion[2]], e.expansion) for e in edges if e.expansion]
    if acronyms:
        long, short, _ = min(acronyms, key=lambda a: (a[:2], _style(a[2][0])))[2]
        return long, short
    cores = {v.id: strip_decorations(v.name)[0] for v in venues}
    ranked = sorted(venues, key=lambda v: (-v.works, *_style(cores[v.id])))
    return cores[ranked[0].id], next((v.short_name for v in ranked if v.short_name), None)


def _style(name: str) -> tuple[bool, int, str]:
    """Ties between names: most capitals first, but "JOURNAL OF X" shouts and comes last."""
    return (" " in name and name.isupper(), -_capitals(name), name)


def _kind(venues: Iterable[VenueFacts]) -> str:
    counts = Counter(v.kind for v in venues if v.kind and v.kind != VenueKind.OTHER)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return ranked[0][0] if ranked else VenueKind.OTHER.value


def _notes(venues: Iterable[VenueFacts]) -> tuple[tuple[str, str], ...]:
    found = {
        (label, note)
        for v in venues
        for label in {v.name, *v.labels}
        for note in strip_decorations(label)[1]
    }
    return tuple(sorted(found))


def _merge(venues: list[VenueFacts], score: float, edges: list[_Edge]) -> Suggestion:
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
    reason = f"'{venue.name}' is '{core}' with {_join(pieces)}"
    notes_kept = tuple((venue.name, n) for n in notes)
    ids, names, score = (venue.id,), (venue.name,), SCORES.cleanup
    return Suggestion(
        ids,
        names,
        core,
        venue.short_name,
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


def _pairs(
    labels: list[_Label],
    evidence: Sequence[MergedEvidence],
    facts: dict[int, VenueFacts],
    groups: dict[int, _Group],
    blocked: dict[int, set[int]],
) -> dict[tuple[int, int], list[_Edge]]:
    """Every rule's edges, the strongest of each rule on a pair, where the guards allow."""
    rules = (_fingerprint_edges, _decoration_edges, _acronym_edges, _spelling_edges)
    edges = chain(*(rule(labels) for rule in rules), _merged_edges(evidence, facts))
    best: dict[tuple[int, int, str], _Edge] = {}
    for e in edges:
        k = (e.a, e.b, e.rule)
        if (k not in best or e.score > best[k].score) and _fits(groups[e.a], groups[e.b], blocked):
            best[k] = e
    _drop_ambiguous(best)
    pairs: dict[tuple[int, int], list[_Edge]] = defaultdict(list)
    for (a, b, _), e in sorted(best.items()):
        pairs[(a, b)].append(e)
    return pairs


def suggest(
    venues: Sequence[VenueFacts],
    evidence: Sequence[MergedEvidence] = (),
    rejected: Iterable[frozenset[str]] = (),
) -> list[Suggestion]:
    """Clusters of venues that are probably one venue, and lone names to clean, surest first."""
    facts: dict[int, VenueFacts] = {}
    for venue in sorted(venues, key=lambda v: v.id):
        facts.setdefault(venue.id, venue)
    groups = {i: _group_of(v) for i, v in facts.items()}
    blocked, quiet = _rejections(facts, rejected)
    pairs = _pairs(_labels(facts.values()), evidence, facts, groups, blocked)
    clusters = _cluster(pairs, groups, blocked)
    home = {v: n for n, (members, _) in enumerate(clusters) for v in members}
    inside: dict[int, list[_Edge]] = defaultdict(list)
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
