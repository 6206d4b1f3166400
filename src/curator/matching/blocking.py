"""Candidate pairs from shared keys (ids, titles, rare words), so no scan compares all pairs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import combinations
from zlib import crc32

from curator.domain.matching import WorkFeatures
from curator.domain.progress import Progress

from .normalize import Tokens, tokens_of

Key = tuple[
    str, ...
]  # (kind, value, ...): ("arxiv", "2310.10631"), ("tw", "llemma", "mathematics")

STEP = 5000  # works (or blocks) between two progress reports


@dataclass(frozen=True, slots=True)
class BlockingRules:
    """How works are keyed, and how large a block may grow before its works meet only their
    nearest neighbours by title instead of every other member."""

    rare_title_words: int = 3  # pairs of the rarest title words: 3 words -> 3 keys
    rare_abstract_words: int = 4  # pairs of the rarest abstract words: 4 words -> 6 keys
    min_abstract_words: int = 12  # shorter abstracts ("No abstract available") give no key
    max_single_word_df: int = 3  # a word in at most this many works can be a key on its own
    lone_words: int = 6  # at most this many such words per field
    max_block: int = 30  # rare-word blocks larger than this: sorted neighbourhood
    max_exact_block: int = 100  # id and exact-title blocks larger: sorted neighbourhood
    neighbours: int = 10  # in a larger block, each work meets the next this many by title
    author_year: bool = True  # key titled works by first author, year and the title's initial
    max_author_year_block: int = 4  # "Wang 2020": larger blocks meet by neighbourhood,
    author_year_neighbours: int = 1  # the next one by title
    max_untitled_meets: int = 500  # titled works of its author and year an untitled work meets


RULES = BlockingRules()

KEY_KINDS = {
    "arxiv": "arXiv id",
    "doi": "DOI",
    "title": "identical title",
    "tw": "rare title words",
    "aw": "rare abstract words",
    "ay": "first author and year",
}


@dataclass(slots=True)
class Blocking:
    """The pairs that share at least one key, and how to tell which keys they share."""

    pairs: set[int]  # a * stride + b with a < b, positions in the scanned sequence
    stride: int
    tokens: list[Tokens]
    titles: WordStats
    abstracts: WordStats
    rules: BlockingRules = RULES
    capped_blocks: list[tuple[Key, int]] = field(default_factory=list)  # met by neighbourhood
    untitled: frozenset[str] = frozenset()  # first author and year of the works with no title

    def unpack(self, pair: int) -> tuple[int, int]:
        return divmod(pair, self.stride)

    def keys_of(self, index: int) -> list[Key]:
        tokens = self.tokens[index]
        return work_keys(tokens, self.titles, self.abstracts, self.rules, self.untitled)


def describe_keys(keys: Iterable[Key]) -> list[str]:
    """Keys in words, one entry per kind: "arXiv id 2310.10631", "rare title words 'llemma', ...".

    Rare-word pairs of one kind are merged into one list of words.
    """
    words: dict[str, list[str]] = {}
    described: list[str] = []
    for kind, *values in keys:
        if kind in ("arxiv", "doi", "ay"):
            described.append(f"{KEY_KINDS[kind]} {values[0]}")
        elif kind == "at":  # "zhai 2010 e"
            who, _, initial = values[0].rpartition(" ")
            described.append(f"first author and year {who}, titles starting with '{initial}'")
        elif kind == "title":
            described.append(KEY_KINDS[kind])
        else:
            if kind not in words:
                words[kind] = []
                described.append(kind)  # a placeholder filled in below, keeps the order
            words[kind].extend(v for v in values if v not in words[kind])
    return [
        f"{KEY_KINDS[d]} " + ", ".join(f"'{v}'" for v in words[d]) if d in words else d
        for d in described
    ]


def shared_keys(blocking: Blocking, a: int, b: int) -> list[Key]:
    """The keys two works (by position) have in common, strongest kinds first."""
    theirs = set(blocking.keys_of(b))
    return [k for k in blocking.keys_of(a) if k in theirs]


# --- keys of one work -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WordStats:
    """How many works use each word, and the words rare enough to be worth a key."""

    df: Counter[str]
    rare: frozenset[str]  # seen in 2..RARE_DF works

    @classmethod
    def of(cls, df: Counter[str]) -> WordStats:
        return cls(df, frozenset(w for w, n in df.items() if 2 <= n <= RARE_DF))


RARE_DF = 100


def _rarest(words: Collection[str], stats: WordStats) -> list[str]:
    """Words seen in at least two works (a word seen once can meet nobody), rarest first.

    Ties are broken by the word itself, so two copies of a paper rank words alike.
    """
    rare = list(stats.rare.intersection(words))
    if len(rare) < 2:  # only common words: take the least common of them
        rare = [w for w in words if stats.df[w] >= 2]
    rare.sort()
    rare.sort(key=stats.df.__getitem__)
    return rare


def id_keys(tokens: Tokens) -> list[Key]:
    """The exact identifier keys of a work: arXiv id and DOI."""
    keys: list[Key] = []
    if tokens.arxiv:
        keys.append(("arxiv", tokens.arxiv))
    if tokens.doi:
        keys.append(("doi", tokens.doi))
    return keys


def work_keys(
    tokens: Tokens,
    titles: WordStats,
    abstracts: WordStats,
    rules: BlockingRules,
    untitled: frozenset[str] = frozenset(),
) -> list[Key]:
    """Every blocking key of a work: exact ids and title first, then rare words and their pairs;
    and its first author and year when some work without a title has the same (a copy that lost
    its title, as scraped listings and citations have, meets its titled copies there)."""
    keys = id_keys(tokens)
    if tokens.author_year in untitled:
        keys.append(("ay", tokens.author_year))
    if rules.author_year:
        keys.extend(_author_keys(tokens))
    if tokens.title:
        keys.append(("title", tokens.title))
        keys.extend(_rare_keys("tw", tokens.title_words, titles, rules.rare_title_words, rules))
    if len(tokens.abstract_words) >= rules.min_abstract_words:
        keys.extend(
            _rare_keys("aw", tokens.abstract_words, abstracts, rules.rare_abstract_words, rules)
        )
    return keys


def _author_keys(tokens: Tokens) -> list[Key]:
    """First author, year and the title's first letter: copies whose titles share no rare
    word (one cut short by a database, one with its words mangled) still meet."""
    if not tokens.author_year or not tokens.title:
        return []
    return [("at", f"{tokens.author_year} {tokens.title[0]}")]


def _rare_keys(
    kind: str, words: Collection[str], stats: WordStats, count: int, rules: BlockingRules
) -> list[Key]:
    """Pairs of the `count` rarest words, and alone a few words so rare their block stays tiny.

    The lone words are picked by a fixed hash, not by rank: when two copies of a paper are
    identical, their rarest words are the ones a third, reworded copy dropped; a hash pick
    still lands on words all three share.
    """
    ranked = _rarest(words, stats)
    limit = rules.max_single_word_df
    lone = [w for w in ranked if stats.df[w] <= limit]
    if len(lone) > rules.lone_words:
        lone = sorted(lone, key=_stable_hash)[: rules.lone_words]
    keys: list[Key] = [(kind, w) for w in sorted(lone)]
    keys.extend((kind, *pair) for pair in combinations(sorted(ranked[:count]), 2))
    return keys


def _stable_hash(word: str) -> int:
    return crc32(word.encode())


# --- blocks ---------------------------------------------------------------------------------------


def _token_source(work: WorkFeatures) -> int:
    """A hash of the fields a work's tokens are made from (`normalize.tokens_of`)."""
    first = work.authors[0] if work.authors else None
    return hash((work.title, work.abstract, first, work.year, work.arxiv_id, work.doi))


class TokenCache:
    """Works' tokens and word frequencies kept between scans: a rescan reads only what changed.

    Keep one per catalog for a session (the window does); a scan without one reads every work.
    """

    def __init__(self) -> None:
        # work id -> (what its tokens were made from, hashed; the tokens): the works
        # themselves are not kept (1.6 KB each, a million of them between two scans)
        self._by_id: dict[int, tuple[int, Tokens]] = {}
        self.title_df: Counter[str] = Counter()
        self.abstract_df: Counter[str] = Counter()

    def refresh(self, works: Sequence[WorkFeatures]) -> Generator[Progress, None, list[Tokens]]:
        """The tokens of `works`, in order; forgets works no longer present.

        A refresh stopped half-way (a cancelled scan) empties the cache: counts half updated
        would make rare words look common for the rest of the session.
        """
        finished = False
        try:
            result = yield from self._refresh(works)
            finished = True
            return result
        finally:
            if not finished:
                self._by_id = {}
                self.title_df, self.abstract_df = Counter(), Counter()

    def _refresh(self, works: Sequence[WorkFeatures]) -> Generator[Progress, None, list[Tokens]]:
        known = self._by_id
        fresh: dict[int, tuple[int, Tokens]] = {}
        result: list[Tokens] = []
        for start in range(0, len(works), STEP):
            for work in works[start : start + STEP]:
                cached = known.pop(work.id, None)
                made_from = _token_source(work)
                if cached is not None and cached[0] == made_from:
                    fresh[work.id] = cached
                    result.append(cached[1])
                    continue
                if cached is not None:
                    self._count(cached[1], -1)
                found = tokens_of(work)
                self._count(found, 1)
                fresh[work.id] = (made_from, found)
                result.append(found)
            yield Progress(
                min(start + STEP, len(works)), len(works), "Reading titles and abstracts"
            )
        for _, gone in known.values():
            self._count(gone, -1)
        self._by_id = fresh
        return result

    def _count(self, tokens: Tokens, sign: int) -> None:
        if sign > 0:
            self.title_df.update(tokens.title_words)
            self.abstract_df.update(tokens.abstract_words)
        else:
            self.title_df.subtract(tokens.title_words)
            self.abstract_df.subtract(tokens.abstract_words)


class _Reach:
    """What an old work needs to share a key with one of the new works.

    A shared key is made of words both works have: one rare word, or a pair of them, taken
    from the title ("tw") or the abstract ("aw"); or an id or the whole title.
    """

    def __init__(self, keys: Iterable[Key]) -> None:
        self.exact: set[Key] = set()
        self.lone: dict[str, set[str]] = {"tw": set(), "aw": set()}
        self.pairs: dict[str, set[Key]] = {"tw": set(), "aw": set()}
        self.words: dict[str, set[str]] = {"tw": set(), "aw": set()}
        for kind, *words in keys:
            if kind not in self.words:
                self.exact.add((kind, *words))
                continue
            self.words[kind].update(words)
            if len(words) == 1:
                self.lone[kind].add(words[0])
            else:
                self.pairs[kind].add(tuple(words))

    def may_meet(self, tokens: Tokens) -> bool:
        for kind, mine in (("tw", tokens.title_words), ("aw", tokens.abstract_words)):
            hits = self.words[kind].intersection(mine)
            if not hits:
                continue
            if not self.lone[kind].isdisjoint(hits):
                return True
            if len(hits) > 1 and any(
                pair in self.pairs[kind] for pair in combinations(sorted(hits), 2)
            ):
                return True
        if tokens.title and ("title", tokens.title) in self.exact:
            return True
        if tokens.author_year and ("ay", tokens.author_year) in self.exact:
            return True
        return any(key in self.exact for key in (*id_keys(tokens), *_author_keys(tokens)))


def _keyed(
    tokens: list[Tokens],
    titles: WordStats,
    abstracts: WordStats,
    rules: BlockingRules,
    is_new: list[bool] | None,
    untitled: frozenset[str],
) -> Generator[Progress, None, dict[Key, list[int]]]:
    """The blocks: each key and the works that have it; with `is_new`, the new works' keys and
    those of old works that may meet them. Keys go into their blocks as they are made, so a
    work's key list is never kept."""
    key = partial(work_keys, titles=titles, abstracts=abstracts, rules=rules, untitled=untitled)
    blocks: dict[Key, list[int]] = {}
    reach = None
    if is_new is not None:
        fresh = [(i, key(tokens[i])) for i, new in enumerate(is_new) if new]
        reach = _Reach(k for _, keys in fresh for k in keys)
        for index, keys in fresh:
            _add(blocks, index, keys)
    for start in range(0, len(tokens), STEP):
        for index in range(start, min(start + STEP, len(tokens))):
            if reach is None or (
                is_new is not None and not is_new[index] and reach.may_meet(tokens[index])
            ):
                _add(blocks, index, key(tokens[index]))
        yield Progress(min(start + STEP, len(tokens)), len(tokens), "Keying works")
    return blocks


def _add(blocks: dict[Key, list[int]], index: int, keys: list[Key]) -> None:
    for k in keys:
        members = blocks.get(k)
        if members is None:
            blocks[k] = [index]
        else:
            members.append(index)


def _neighbours(members: list[int], window: int) -> Iterator[tuple[int, int]]:
    """Sorted neighbourhood: each member with the `window` that follow it in sorted order."""
    for i, a in enumerate(members):
        for b in members[i + 1 : i + 1 + window]:
            yield a, b


def _untitled_pairs(
    members: list[int], tokens: list[Tokens], limit: int, window: int
) -> Iterator[tuple[int, int]]:
    """Each untitled member with the titled ones (the first `limit` by title: a paper cited
    hundreds of times meets its copies through them) and with its `window` next untitled.
    Untitled ones in catalog order: an incremental scan, which keys its new works first,
    must pick the same neighbours as a full scan."""
    untitled = sorted(i for i in members if not tokens[i].title)
    titled = sorted((i for i in members if tokens[i].title), key=lambda i: (tokens[i].title, i))
    for n, a in enumerate(untitled):
        for b in titled[:limit]:
            yield a, b
        for b in untitled[n + 1 : n + 1 + window]:
            yield a, b


def _limit(key: Key, rules: BlockingRules) -> tuple[int, int]:
    """How large a block of this kind may grow before its works meet only their neighbours,
    and how many neighbours each then meets."""
    if key[0] in ("ay", "at"):
        return rules.max_author_year_block, rules.author_year_neighbours
    if key[0] in ("tw", "aw"):
        return rules.max_block, rules.neighbours
    return rules.max_exact_block, rules.neighbours


def block(
    works: Sequence[WorkFeatures],
    new_ids: Collection[int] | None = None,
    rules: BlockingRules = RULES,
    cache: TokenCache | None = None,
) -> Generator[Progress, None, Blocking]:
    """Pairs of positions in `works` sharing a key; with `new_ids`, only pairs touching a new work.

    Word frequencies are always counted over the whole catalog, so a new work meets old ones on
    the same keys a full scan would use. A block too large to be informative is skipped; with
    `new_ids` only its members that can meet a new work are counted, so an incremental scan
    pairs a new work with at least every work a full scan would.
    """
    cache = cache or TokenCache()
    tokens = yield from cache.refresh(works)
    titles, abstracts = WordStats.of(cache.title_df), WordStats.of(cache.abstract_df)
    is_new = None if new_ids is None else [w.id in new_ids for w in works]
    untitled = frozenset(t.author_year for t in tokens if t.author_year and not t.title)
    blocks = yield from _keyed(tokens, titles, abstracts, rules, is_new, untitled)
    stride = max(len(works), 1)
    result = Blocking(set(), stride, tokens, titles, abstracts, rules, untitled=untitled)
    pairs = result.pairs
    for done, (key, members) in enumerate(blocks.items()):
        if len(members) < 2:
            continue
        limit, window = _limit(key, rules)
        if key[0] == "ay":  # untitled works meet the works of their first author and year
            if len(members) > rules.max_untitled_meets:
                result.capped_blocks.append((key, len(members)))
            chosen = _untitled_pairs(members, tokens, rules.max_untitled_meets, rules.neighbours)
        elif len(members) > limit:  # too big to pair all: each meets its nearest by title
            result.capped_blocks.append((key, len(members)))
            members = sorted(members, key=lambda i: (tokens[i].title, i))
            chosen = _neighbours(members, window)
        else:
            chosen = combinations(members, 2)
        for a, b in chosen:
            if is_new is None or is_new[a] or is_new[b]:
                pairs.add(a * stride + b if a < b else b * stride + a)
        if done % (STEP * 10) == 0:
            yield Progress(done, len(blocks), "Pairing works that share a key")
    return result
