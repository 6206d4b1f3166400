"""Seeded synthetic catalogs with known duplicates, to measure the duplicate engine honestly.

Words follow a Zipf law over a vocabulary that grows with the catalog (Heaps' law), so rare words
stay rare at 1M works as they do in real catalogs; most papers also carry a few coined terms or
numbers of their own ("KMMLU", "35,030"), as real abstracts do, but a share carry none.
"""

from __future__ import annotations

import itertools
import random
import string
from dataclasses import dataclass, replace

from curator.domain.matching import WorkFeatures

STOP = [
    "the",
    "of",
    "and",
    "a",
    "in",
    "to",
    "we",
    "is",
    "for",
    "that",
    "on",
    "with",
    "this",
    "by",
    "as",
    "are",
    "our",
    "an",
    "from",
    "which",
    "be",
    "can",
    "it",
    "at",
    "these",
    "their",
    "than",
    "both",
    "such",
    "using",
    "based",
    "show",
    "not",
]
GENERIC_TITLES = (
    "Editorial",
    "Introduction",
    "Preface",
    "Book Reviews",
    "Letter to the Editor",
    "Erratum",
    "Foreword",
    "Introduction to the Special Issue",
)
LEADING_WORDS = ("Position:", "Review:", "Survey:", "Note:", "A")
FIRST_NAMES = tuple(
    [
        "Stella",
        "Alex",
        "Laura",
        "Akbir",
        "Nora",
        "Quentin",
        "Hailey",
        "Jacob",
        "Maria",
        "Wei",
        "Yuki",
        "Omar",
        "Priya",
        "Lucas",
        "Ana",
        "Jonas",
        "Chen",
        "Sofia",
        "Ivan",
        "Fatima",
        "Kenji",
        "Elena",
        "Marco",
        "Aisha",
        "Tom",
        "Lena",
        "Raj",
        "Mei",
        "Pablo",
        "Sara",
    ]
)


@dataclass(frozen=True, slots=True)
class Catalog:
    works: list[WorkFeatures]
    cluster: dict[int, int]  # work id -> paper id; works with one paper id are duplicates

    def true_pairs(self) -> set[tuple[int, int]]:
        groups: dict[int, list[int]] = {}
        for work_id, paper in self.cluster.items():
            groups.setdefault(paper, []).append(work_id)
        return {
            (a, b)
            for members in groups.values()
            for a, b in itertools.combinations(sorted(members), 2)
        }


class _Words:
    """A Zipf vocabulary of made-up words, large enough that its tail stays rare."""

    def __init__(self, rng: random.Random, size: int) -> None:
        self.rng = rng
        syllables = [c + v for c in "bcdfghjklmnprstvz" for v in "aeiou"]
        seen: set[str] = set()
        words: list[str] = []
        while len(words) < size:
            word = "".join(rng.choices(syllables, k=rng.choice((2, 3, 3, 4))))
            if word not in seen:
                seen.add(word)
                words.append(word)
        self.words = words
        self.cum = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(size)))
        self.rank = {word: rank for rank, word in enumerate(words)}

    def some(self, count: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cum, k=count)

    def synonym(self, word: str) -> str:
        """Another word about as common (a rewording swaps like for like)."""
        rank = self.rank.get(word.lower())
        return word if rank is None else self.words[rank ^ 1]


@dataclass(slots=True)
class _Paper:
    title: str
    abstract_sentences: list[str]
    authors: list[tuple[str, str]]  # (first, last)
    year: int
    venue: str
    arxiv: str | None
    doi: str | None


class Generator:
    """Makes papers, then copies of them with realistic damage, then hard negatives."""

    def __init__(self, seed: int, size: int) -> None:
        self.rng = random.Random(seed)
        self.words = _Words(self.rng, 20_000 + 2 * size)
        self.surnames = [w.capitalize() for w in _Words(self.rng, 5_000 + size // 4).words]
        self.venues = [f"{w.capitalize()} Conference" for w in self.words.words[:2000:3]]
        self.serial = itertools.count(1)

    # --- papers -----------------------------------------------------------------------------------

    def _sentence(self, coined: list[str]) -> str:
        rng = self.rng
        words = [w if rng.random() < 0.6 else rng.choice(STOP) for w in self.words.some(14)]
        if coined and rng.random() < 0.5:
            words.insert(rng.randrange(len(words)), rng.choice(coined))
        return " ".join(words).capitalize() + "."

    def _coined(self) -> list[str]:
        rng = self.rng
        count = rng.choice((0, 0, 1, 2, 3))
        coined = [
            "".join(rng.choices(string.ascii_uppercase, k=rng.randint(3, 6))) for _ in range(count)
        ]
        if rng.random() < 0.5:
            coined.append(f"{rng.randint(10, 99_999):,}")
        return coined

    def paper(self) -> _Paper:
        rng = self.rng
        coined = self._coined()
        title_words = self.words.some(rng.randint(4, 10))
        if coined and rng.random() < 0.3:
            title_words.insert(0, coined[0] + ":")
        title = " ".join(title_words).capitalize()
        if rng.random() < 0.25:
            title += ": " + " ".join(self.words.some(rng.randint(3, 6)))
        n = next(self.serial)
        return _Paper(
            title=title,
            abstract_sentences=[self._sentence(coined) for _ in range(rng.randint(4, 8))],
            authors=[(rng.choice(FIRST_NAMES), self._surname()) for _ in range(rng.randint(1, 7))],
            year=rng.randint(1995, 2025),
            venue=rng.choice(self.venues),
            arxiv=f"{rng.randint(7, 25):02d}{rng.randint(1, 12):02d}.{n:05d}",
            doi=f"10.{rng.randint(1000, 9999)}/j.{n}",
        )

    def _surname(self) -> str:
        index = min(int(self.rng.paretovariate(1.2)) - 1, len(self.surnames) - 1)
        return self.surnames[(index * 7919 + self.rng.randrange(2)) % len(self.surnames)]

    # --- copies -----------------------------------------------------------------------------------

    def _typo(self, text: str) -> str:
        if len(text) < 4:
            return text
        i = self.rng.randrange(1, len(text) - 1)
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]

    def _title_copy(self, title: str) -> str | None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.15:
            return title.lower() if rng.random() < 0.5 else title.upper()
        if roll < 0.25:
            return self._typo(title)
        if roll < 0.33 and ":" in title:
            return title.split(":")[0] if rng.random() < 0.5 else title.split(":", 1)[1].strip()
        if roll < 0.38:
            return f"{rng.choice(LEADING_WORDS)} {title}"
        if roll < 0.42:
            return title.replace(" ", " - ", 1).replace(",", "")
        if roll < 0.45:  # renamed: keeps about half of its words
            words = title.split()
            keep = words[: max(2, len(words) // 2)]
            return " ".join(keep + self.words.some(3))
        return title

    def _abstract_copy(self, sentences: list[str], title_kept: bool) -> str | None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.05 and title_kept:
            return None
        if roll < 0.35:  # reworded: shuffled, a sentence dropped, some synonyms
            sentences = sentences[:]
            rng.shuffle(sentences)
            if len(sentences) > 4 and rng.random() < 0.6:
                sentences.pop()
            words = " ".join(sentences).split()
            words = [self.words.synonym(w) if rng.random() < 0.08 else w for w in words]
            return " ".join(words)
        text = " ".join(sentences)
        return self._typo(text) if roll < 0.45 else text

    def _authors_copy(self, authors: list[tuple[str, str]]) -> tuple[str, ...]:
        rng = self.rng
        roll = rng.random()
        if roll < 0.15:  # an author page: only the owner
            first, last = rng.choice(authors)
            return (f"{first} {last}",)
        if roll < 0.3:
            return tuple(f"{first[0]}. {last}" for first, last in authors)
        if roll < 0.4:
            return tuple(f"{last}, {first}" for first, last in authors)
        if roll < 0.45:
            shuffled = authors[:]
            rng.shuffle(shuffled)
            return tuple(f"{f} {last}" for f, last in shuffled)
        return tuple(f"{first} {last}" for first, last in authors)

    def copy(self, paper: _Paper, work_id: int, kind: str) -> WorkFeatures:
        """One listing of a paper: "published", "preprint" or "untitled" (an arXiv listing)."""
        rng = self.rng
        title = None if kind == "untitled" else self._title_copy(paper.title)
        authors = () if kind == "untitled" else self._authors_copy(paper.authors)
        year = paper.year - 1 if kind != "published" and rng.random() < 0.5 else paper.year
        venue = paper.venue if kind == "published" else "arXiv"
        if kind == "published" and rng.random() < 0.3:
            venue = f"Proc. {paper.venue}" if rng.random() < 0.5 else paper.venue.upper()
        return WorkFeatures(
            id=work_id,
            title=title,
            abstract=self._abstract_copy(paper.abstract_sentences, title is not None),
            authors=authors,
            year=year if rng.random() < 0.9 else None,
            venue=venue if rng.random() < 0.8 else None,
            venue_kind=None,
            arxiv_id=paper.arxiv if kind != "published" else None,
            doi=paper.doi if kind == "published" and rng.random() < 0.6 else None,
        )

    def copies(self, paper: _Paper) -> list[str]:
        roll = self.rng.random()
        size = 1 if roll < 0.7 else 2 if roll < 0.9 else 3 if roll < 0.97 else 5
        kinds = ["published", self.rng.choice(("published", "preprint", "untitled"))]
        kinds += [self.rng.choice(("published", "preprint")) for _ in range(3)]
        return kinds[:size]

    # --- hard negatives ---------------------------------------------------------------------------

    def generic(self, work_id: int) -> WorkFeatures:
        """An editorial or an introduction: a common title, different people, often no abstract."""
        paper = self.paper()
        abstract = " ".join(paper.abstract_sentences[:2]) if self.rng.random() < 0.4 else None
        return replace(
            self.copy(paper, work_id, "published"),
            title=self.rng.choice(GENERIC_TITLES),
            abstract=abstract,
        )

    def series(self, base: _Paper) -> list[_Paper]:
        """Part I and Part II: same people, title and venue, one shared opening sentence."""
        parts = []
        for number in ("I", "II", "III")[: self.rng.randint(2, 3)]:
            other = self.paper()
            other.title = f"{base.title}, Part {number}"
            other.authors = base.authors
            other.venue = base.venue
            other.abstract_sentences = base.abstract_sentences[:1] + other.abstract_sentences[1:]
            parts.append(other)
        return parts

    def same_team(self, base: _Paper) -> _Paper:
        """Another paper by the same authors, in the same year and venue."""
        other = self.paper()
        other.authors, other.year, other.venue = base.authors, base.year, base.venue
        return other


def generate(size: int, seed: int = 1) -> Catalog:
    """A shuffled catalog of about `size` works with duplicates and hard negatives."""
    gen = Generator(seed, size)
    rows: list[tuple[int, WorkFeatures]] = []  # (paper id, work with a placeholder id)
    paper_ids = itertools.count()
    while len(rows) < size:
        roll = gen.rng.random()
        if roll < 0.01:
            rows.append((next(paper_ids), gen.generic(0)))
            continue
        paper = gen.paper()
        papers = [paper]
        if roll < 0.02:
            papers = gen.series(paper)
        elif roll < 0.04:
            papers.append(gen.same_team(paper))
        for one in papers:
            pid = next(paper_ids)
            rows.extend((pid, gen.copy(one, 0, kind)) for kind in gen.copies(one))
    rows = rows[:size]
    gen.rng.shuffle(rows)
    works = [replace(work, id=i + 1) for i, (_, work) in enumerate(rows)]
    return Catalog(works, {i + 1: pid for i, (pid, _) in enumerate(rows)})
