"""How alike two works are, in [0, 1], with the evidence in words; all weights live at the top."""

from __future__ import annotations

import math
from dataclasses import dataclass

from rapidfuzz.distance import Indel

from curator.domain.folding import fold
from curator.domain.matching import Band, WorkFeatures

from .normalize import (
    STOPWORDS,
    Tokens,
    authors_look_complete,
    first_page,
    split_title,
    strip_annotations,
    surname_keys,
    title_numbers,
    tokens_of,
    volume_key,
)


@dataclass(frozen=True, slots=True)
class Weights:
    """Evidence in log-odds; the score is the logistic of their sum. Tuned on the benchmark."""

    prior: float = -4.0
    same_id: float = 10.0  # same arXiv id or DOI
    different_arxiv: float = -8.0
    different_doi: float = -6.0
    title_identical: float = 5.0  # scaled down for short titles ("Editorial")
    title_alike: float = 4.0  # at 100% alike, scaled linearly down to 0 at `title_alike_floor`
    title_alike_floor: float = 0.80
    title_differs: float = -3.0  # below `title_differs_below`
    title_differs_below: float = 0.60
    title_numbers_differ: float = -7.0  # "Part I" vs "Part II", "GPT-3" vs "GPT-4"
    title_full_chars: int = 30  # titles this long carry full weight
    abstract_alike: float = 10.0  # identical; scaled linearly down to 0 at `abstract_alike_floor`
    abstract_alike_floor: float = 0.45
    abstract_differs: float = -3.5  # below `abstract_differs_below`
    abstract_differs_below: float = 0.30
    abstract_full_words: int = 40
    abstract_min_words: int = 12
    authors_agree: float = 2.0  # both lists complete, most names shared
    authors_some: float = 0.7  # a name in common, one list possibly cut
    authors_disjoint: float = -4.0  # both lists complete, no name shared
    same_year: float = 0.7
    years_apart: float = -3.0  # per year beyond one (preprint and published version differ by one)
    same_venue: float = 0.4
    same_place: float = 2.0  # same volume and first page: the same printed article
    pages_differ: float = -4.0  # both give a first page, and they differ
    volumes_differ: float = -2.0  # both give a volume, and it differs
    conflict_cap: float = 0.95  # a pair with two different DOIs or arXiv ids is never sure


@dataclass(frozen=True, slots=True)
class Bands:
    sure: float = 0.995
    likely: float = 0.70
    possible: float = 0.25


WEIGHTS = Weights()
BANDS = Bands()


def band_of(score: float, bands: Bands = BANDS) -> Band | None:
    """The band of a score, or None below `possible`."""
    if score >= bands.sure:
        return Band.SURE
    if score >= bands.likely:
        return Band.LIKELY
    if score >= bands.possible:
        return Band.POSSIBLE
    return None


@dataclass(frozen=True, slots=True)
class Prepared:
    """A work's fields in the forms the scorer compares, computed once per work."""

    title: str
    raw_title: str
    title_parts: tuple[str, ...]  # informative main title and subtitle
    numbers: frozenset[str]
    abstract: frozenset[str]  # distinct content words
    abstract_hash: int
    surnames: frozenset[str]
    authors_complete: bool
    arxiv: str
    doi: str
    year: int | None
    venue: str
    volume: str
    page: str


def prepare(work: WorkFeatures, tokens: Tokens | None = None) -> Prepared:
    """The comparable forms of a work; pass the blocking's `tokens` to avoid folding twice."""
    tokens = tokens or tokens_of(work)
    return Prepared(
        title=tokens.title,
        raw_title=strip_annotations(work.title),
        title_parts=_title_parts(strip_annotations(work.title), tokens.title),
        numbers=title_numbers(tokens.title),
        abstract=tokens.abstract_words,
        abstract_hash=tokens.abstract_hash,
        surnames=surname_keys(work.authors),
        authors_complete=authors_look_complete(work.authors),
        arxiv=tokens.arxiv,
        doi=tokens.doi,
        year=work.year,
        venue=fold(work.venue),
        volume=volume_key(work.volume),
        page=first_page(work.pages),
    )


def _title_parts(raw: str | None, title: str) -> tuple[str, ...]:
    """The main title and subtitle when each is informative enough to stand for the whole."""
    return tuple(p for p in split_title(raw) if p and p != title and _informative(p))


Evidence = list[tuple[float, str]]  # (log-odds, reason)


def _ids(a: Prepared, b: Prepared, w: Weights, out: Evidence) -> None:
    if a.arxiv and b.arxiv:
        if a.arxiv == b.arxiv:
            out.append((w.same_id, f"same arXiv id {a.arxiv}"))
        else:
            out.append((w.different_arxiv, f"different arXiv ids: {a.arxiv} vs {b.arxiv}"))
    if a.doi and b.doi:
        if a.doi == b.doi:
            out.append((w.same_id, f"same DOI {a.doi}"))
        else:
            out.append((w.different_doi, f"different DOIs: {a.doi} vs {b.doi}"))


def _informative(text: str) -> bool:
    return sum(1 for t in text.split() if t not in STOPWORDS) >= 2 and len(text) >= 10


def title_similarity(a: Prepared, b: Prepared) -> tuple[float, bool]:
    """Best similarity of the titles, or of one title with the other's main part or subtitle.

    Returns (similarity, whether a part was used). Parts count only when informative, so
    "Introduction: Part I" never matches "Introduction" through its main part.
    """
    best = Indel.normalized_similarity(a.title, b.title)
    part_used = False
    for mine, other in ((a, b), (b, a)):
        for part in mine.title_parts:
            sim = 0.97 * Indel.normalized_similarity(part, other.title)
            if sim > best:
                best, part_used = sim, True
    return best, part_used


def _title(a: Prepared, b: Prepared, w: Weights, out: Evidence) -> None:
    if not a.title or not b.title:
        return
    weight = min(1.0, min(len(a.title), len(b.title)) / w.title_full_chars)
    if a.numbers != b.numbers:
        shown = " vs ".join(", ".join(sorted(n)) or "none" for n in (a.numbers, b.numbers))
        out.append((w.title_numbers_differ, f"title numbers differ: {shown}"))
    if a.title == b.title:
        out.append((w.title_identical * weight, "titles identical"))
        return
    sim, part_used = title_similarity(a, b)
    shown = f"'{a.raw_title}' vs '{b.raw_title}'"
    if sim >= w.title_alike_floor:
        gain = (sim - w.title_alike_floor) / (1 - w.title_alike_floor)
        how = " (one is the other's main title or subtitle)" if part_used else ""
        out.append((w.title_alike * gain * weight, f"titles {sim:.0%} alike{how}: {shown}"))
    elif sim < w.title_differs_below:
        out.append((w.title_differs * weight, f"titles differ ({sim:.0%} alike): {shown}"))
    else:
        out.append((0.0, f"titles {sim:.0%} alike: {shown}"))


def abstract_similarity(a: Prepared, b: Prepared) -> float:
    """Dice overlap of the abstracts' content words: shuffled sentences still match."""
    if a.abstract_hash == b.abstract_hash:
        return 1.0
    return 2 * len(a.abstract & b.abstract) / (len(a.abstract) + len(b.abstract))


def _abstract(a: Prepared, b: Prepared, w: Weights, out: Evidence) -> None:
    shortest = min(len(a.abstract), len(b.abstract))
    if shortest < w.abstract_min_words:
        return
    weight = min(1.0, shortest / w.abstract_full_words)
    sim = abstract_similarity(a, b)
    if sim >= w.abstract_alike_floor:
        gain = (sim - w.abstract_alike_floor) / (1 - w.abstract_alike_floor)
        if a.abstract_hash == b.abstract_hash:
            label = "abstracts identical"
        else:
            label = f"abstracts {sim:.0%} alike (words in common)"
        out.append((w.abstract_alike * gain * weight, label))
    elif sim < w.abstract_differs_below:
        out.append((w.abstract_differs * weight, f"abstracts differ ({sim:.0%} alike)"))


def _authors(a: Prepared, b: Prepared, w: Weights, out: Evidence) -> None:
    if not a.surnames or not b.surnames:
        return
    common = len(a.surnames & b.surnames)
    fewest = min(len(a.surnames), len(b.surnames))
    if a.authors_complete and b.authors_complete:
        if common == 0:
            sizes = f"{len(a.surnames)} vs {len(b.surnames)} authors"
            out.append((w.authors_disjoint, f"no authors in common ({sizes})"))
        elif common * 2 >= fewest:
            out.append(
                (w.authors_agree * common / fewest, f"{common} of {fewest} authors in common")
            )
        return
    if common:
        out.append((w.authors_some, f"{common} author(s) in common (one list may be incomplete)"))


def _year_and_venue(a: Prepared, b: Prepared, w: Weights, out: Evidence) -> None:
    if a.year is not None and b.year is not None:
        gap = abs(a.year - b.year)
        if gap == 0:
            out.append((w.same_year, f"same year {a.year}"))
        elif gap == 1:
            out.append((0.0, f"years one apart: {a.year} vs {b.year}"))
        else:
            low, high = sorted((a.year, b.year))
            out.append((w.years_apart * min(gap - 1, 3), f"years differ: {low} vs {high}"))
    if a.venue and a.venue == b.venue:
        out.append((w.same_venue, "same venue"))


def _place(a: Prepared, b: Prepared, w: Weights, out: Evidence) -> None:
    """Volume and pages: two printings of one article agree; a paper and its later version, a
    conference abstract and the journal paper, or two reviews of one book do not."""
    pages = bool(a.page and b.page)
    volumes = bool(a.volume and b.volume)
    if pages and a.page != b.page:
        out.append((w.pages_differ, f"pages differ: {a.page} vs {b.page}"))
    elif volumes and a.volume != b.volume:
        out.append((w.volumes_differ, f"volumes differ: {a.volume} vs {b.volume}"))
    elif pages and volumes:
        out.append((w.same_place, f"same volume and first page: {a.volume}, p. {a.page}"))


def evidence(a: Prepared, b: Prepared, weights: Weights = WEIGHTS) -> Evidence:
    """Every piece of evidence about a pair, strongest kinds first (ids, title, abstract...)."""
    out: Evidence = []
    for part in (_ids, _title, _abstract, _authors, _year_and_venue, _place):
        part(a, b, weights, out)
    return out


def score_prepared(a: Prepared, b: Prepared, weights: Weights = WEIGHTS) -> tuple[float, Evidence]:
    """The probability-like score of a pair and the evidence it rests on."""
    found = evidence(a, b, weights)
    logit = weights.prior + sum(value for value, _ in found)
    value = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, logit))))
    conflict = (a.arxiv and b.arxiv and a.arxiv != b.arxiv) or (a.doi and b.doi and a.doi != b.doi)
    return (min(value, weights.conflict_cap) if conflict else value), found


def score(a: WorkFeatures, b: WorkFeatures, weights: Weights = WEIGHTS) -> tuple[float, list[str]]:
    """Score two works from scratch: (score in [0, 1], readable reasons)."""
    value, found = score_prepared(prepare(a), prepare(b), weights)
    return value, [reason for _, reason in found]
