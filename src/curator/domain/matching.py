"""What the duplicate engine reads about a work and what it answers about a pair."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Band(StrEnum):
    """How sure the engine is that two works are the same publication."""

    SURE = "sure"  # safe to merge in bulk without looking (>= 99.5% precision on the benchmark)
    LIKELY = "likely"  # more often the same paper than not
    RELATED = "related"  # the same study in another version: erratum, journal version, other pages
    POSSIBLE = "possible"  # worth a look

    @property
    def is_duplicate(self) -> bool:
        """The engine's answer to "is this a duplicate?": yes for sure and likely."""
        return self in (Band.SURE, Band.LIKELY)


BAND_ORDER = (Band.SURE, Band.LIKELY, Band.RELATED, Band.POSSIBLE)


@dataclass(frozen=True, slots=True)
class WorkFeatures:
    """The fields of a work the engine compares; built by the services from the catalog."""

    id: int
    title: str | None
    abstract: str | None
    authors: tuple[str, ...]
    year: int | None
    venue: str | None
    venue_kind: str | None
    arxiv_id: str | None
    doi: str | None
    volume: str | None = None  # as the source gave it (BibTeX source text)
    pages: str | None = None
    entry_type: str | None = None  # BibTeX type when the librarian or the file set one


@dataclass(frozen=True, slots=True)
class Candidate:
    """A pair of works that may be one publication: how sure, and why, in plain words."""

    a: int  # the smaller work id
    b: int
    score: float  # in [0, 1]
    band: Band
    reasons: tuple[str, ...]  # e.g. "same arXiv id 2310.10631", "abstracts 97% alike"
    keys: tuple[str, ...] = ()  # the blocking keys that brought the pair together

    @property
    def works(self) -> tuple[int, int]:
        return (self.a, self.b)


def connected_groups(pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """The groups a set of pairs joins (union-find), each sorted, largest first."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        parent[root(a)] = root(b)
    found: dict[int, list[int]] = {}
    for x in parent:
        found.setdefault(root(x), []).append(x)
    return sorted((sorted(g) for g in found.values()), key=lambda g: (-len(g), g[0]))
