"""Comparable forms of titles, abstracts, authors and ids: matching ignores accents and case."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from sys import intern
from typing import TYPE_CHECKING

from ftfy import fix_text

from curator.domain.folding import fold
from curator.domain.names import split_name

if TYPE_CHECKING:
    from curator.domain.matching import WorkFeatures


STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "for",
        "in",
        "on",
        "at",
        "to",
        "from",
        "by",
        "with",
        "without",
        "into",
        "onto",
        "over",
        "under",
        "via",
        "vs",
        "versus",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "as",
        "we",
        "our",
        "us",
        "you",
        "your",
        "they",
        "their",
        "not",
        "no",
        "do",
        "does",
        "did",
        "can",
        "could",
        "should",
        "would",
        "may",
        "might",
        "will",
        "shall",
        "than",
        "then",
        "there",
        "here",
        "how",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "why",
        "whose",
        "all",
        "any",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "such",
        "only",
        "own",
        "same",
        "so",
        "too",
        "very",
        "s",
        "t",
        "just",
        "also",
        "about",
        "against",
        "between",
        "through",
        "during",
        "before",
        "after",
        "above",
        "below",
        "up",
        "down",
        "out",
        "off",
        "again",
        "further",
        "once",
        "using",
        "use",
        "based",
        "towards",
        "toward",
        "new",
        "i",
    ]
)

# Tokens that name one part of a series; two titles that differ only here are different papers.
_ROMAN = frozenset(["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"])
_SERIES_WORDS = frozenset(
    ["part", "vol", "volume", "chapter", "section", "book", "no", "number", "episode"]
)


def words(text: str | None) -> list[str]:
    """The folded words of `text`, in order."""
    return fold(text).split()


def content_words(text: str | None) -> list[str]:
    """The folded words of `text` without stopwords, in order."""
    return [w for w in words(text) if w not in STOPWORDS]


_DIGITS = re.compile(r"\d+")
_THOUSANDS = re.compile(r"(?<=\d) (?=\d{3}\b)")


def series_marks(folded_title: str) -> frozenset[str]:
    """The part a title names in a series: "part ii", "vol 3", "chapter 9" -> {"ii"}, {"3"}..."""
    return frozenset(
        token
        for before, token in pairwise(folded_title.split())
        if before in _SERIES_WORDS and (token in _ROMAN or token.isdigit())
    )


def title_numbers(folded_title: str) -> frozenset[str]:
    """Numbers and series markers in a folded title ("part ii", "gpt 4", "2023"): must agree.

    Every run of digits, in words too ("hpv16" and "hpv 16"), thousands joined ("10 000")."""
    digits = _DIGITS.findall(_THOUSANDS.sub("", folded_title))
    return frozenset(digits) | series_marks(folded_title)


def split_title(title: str | None) -> tuple[str, str]:
    """A raw title's main part and subtitle (split at the first colon, dash or question mark)."""
    if not title:
        return "", ""
    match = re.search(r"\s*(?::|\s[-–—]\s|\?)\s*", title)
    if not match or match.end() >= len(title):
        return fold(title), ""
    return fold(title[: match.start()]), fold(title[match.end() :])


# --- database annotations in titles -------------------------------------------------------------

# What bibliographic databases and citing authors add to a title that is not the title: Medline's
# "[Review] [72 refs]" and "[Chinese]", Embase's "(Structured abstract)", erratum notices, a year
# or a report number in brackets, "(Extended Abstract)", "- Book Review". Two copies of a paper
# differ by these, and their numbers must not read as the title's own ("Part 2", "GPT-4").
_ANNOTATIONS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\[\s*review\s*\]",
        r"\[\s*\d+\s*refs?\.?\s*\]",
        r"\[\s*(?:published\s+)?(?:erratum|corrigendum|retraction|comment)s?\b[^\]]*\]",
        r"\[\s*[a-z]+(?:\s+[a-z]+)?\s*\]",  # one or two words: a language, "corrected"
        r"\(\s*(?:structured|provisional|extended)\s+abstract\s*\)",
        r"\(\s*(?:abstract|panel|poster|in\s+press|invited\s+talk|summary)\s*\)",
        r"\(\s*(?:\d+(?:st|nd|rd|th)|second|third|revised)\s+ed(?:ition|\.)?\s*\)",
        r"\(\s*(?:19|20)\d\d[a-z]?\s*\)",  # a year: "(1983)", "(1995b)"
        r"\(?\b[A-Z]{2,}(?:-[A-Z]{2,})+-\d{2,4}-\d+\b\)?",  # "CMU-CS-88-162"
        r"\s[-–—:]\s*book\s+review\s*$",
    )
]
# every annotation above has a bracket or a dash, or says "review"; other titles skip them
_MAY_BE_ANNOTATED = re.compile(r"[\[(\-–—]|review", re.IGNORECASE)
_WHOLE_IN_BRACKETS = re.compile(r"^\s*\[(.+)\]\s*\.?\s*$", re.DOTALL)  # a translated title


def strip_annotations(title: str | None) -> str:
    """A title without what databases add to it; a title given in brackets (Medline's
    translated titles) without its brackets."""
    if not title:
        return ""
    if not _MAY_BE_ANNOTATED.search(title):  # most titles: no bracket, dash or capitals run
        return " ".join(title.split()).rstrip(" .;,-") or title
    whole = _WHOLE_IN_BRACKETS.match(title)
    text = whole.group(1) if whole and "]" not in whole.group(1) else title
    for pattern in _ANNOTATIONS:
        text = pattern.sub(" ", text)
    text = " ".join(text.split()).rstrip(" .;,-")
    return text or title


# --- mojibake -----------------------------------------------------------------------------------

# UTF-8 read as Latin-1 or Windows-1252: a lead byte (Â..ï) before a continuation byte
_MOJIBAKE = re.compile(
    "[\\u00c2-\\u00ef][\\u0080-\\u00bf\\u0152\\u0153\\u0160\\u0161\\u0178\\u017d"
    "\\u017e\\u0192\\u02c6\\u02dc\\u2013-\\u203a\\u20ac\\u2122]"
)


def repair(text: str | None) -> str:
    """Text with mojibake undone ("RenÃ©e" -> "Renée", "donâ€™t" -> "don't"); ftfy leaves
    sound text alone, and only text that looks broken is handed to it."""
    if not text:
        return ""
    if text.isascii():  # fast: most text has nothing to repair
        return text
    return fix_text(text) if _MOJIBAKE.search(text) else text


# --- people ---------------------------------------------------------------------------------------


@lru_cache(maxsize=1 << 14)
def surname_key(name: str) -> str:
    """A family name, folded: "Biderman, Stella", "S. Biderman", "Stella Bíderman" -> "biderman".

    Particles are kept with the surname ("van der Berg" -> "vanderberg") so both spellings meet.
    Cached: a catalog names the same people thousands of times.
    """
    family = split_name(repair(name)).family
    return "".join(fold(" ".join(family)).split())


def surname_keys(authors: Sequence[str]) -> frozenset[str]:
    """The surname keys of an author list, ignoring "et al." and "others"."""
    keys = {surname_key(a) for a in authors if a.strip().casefold() not in {"others", "et al."}}
    keys.discard("")
    keys.discard("al")
    return frozenset(keys)


@lru_cache(maxsize=1 << 14)
def name_words(name: str) -> frozenset[str]:
    """Every folded word of a name, and each comma-separated part run together, as surname
    keys are ("Ching-yi, Wu" -> ching, yi, chingyi, wu): where a surname written in the other
    order can still be found."""
    text = repair(name)
    words = set(fold(text).split())
    words.update("".join(fold(part).split()) for part in text.split(","))
    words.discard("")
    return frozenset(words)


def authors_look_complete(authors: Sequence[str]) -> bool:
    """Whether an author list can be trusted to be the whole list.

    A single name is most often the owner of an author page, and a list ending in "et al." or
    "others" says itself it is cut; neither can disagree with another list.
    """
    if len(authors) < 2:
        return False
    last = authors[-1].strip().casefold()
    return not (last in {"others", "et al.", "et al"} or last.endswith(" et al."))


# --- identifiers ----------------------------------------------------------------------------------

_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_ARXIV_VERSION = re.compile(r"v\d+$")


def arxiv_key(arxiv_id: str | None, doi: str | None = None) -> str:
    """An arXiv id without prefix or version, taken from an arXiv DOI when there is no id."""
    value = (arxiv_id or "").strip()
    if not value and doi:
        match = _ARXIV_DOI.match(doi.strip())
        value = match.group(1) if match else ""
    value = value.casefold().removeprefix("arxiv:").strip()
    return _ARXIV_VERSION.sub("", value)


def doi_key(doi: str | None) -> str:
    """A DOI without resolver prefix, casefolded; arXiv DOIs are left to `arxiv_key`."""
    value = (doi or "").strip().casefold()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"):
        value = value.removeprefix(prefix)
    return "" if _ARXIV_DOI.match(value) else value


# --- where in a journal ---------------------------------------------------------------------------

_PAGE = r"[a-z]?\d+[a-z]?"
_PAGES = re.compile(
    rf"^\s*(?:pp?\.?\s*)?({_PAGE})(?:\s*[-–—]+\s*{_PAGE})?\s*\.?\s*$", re.IGNORECASE
)


def first_page(pages: str | None) -> str:
    """The first page of a range: "288-297", "pp. 288--297", "e494", "S99-S102"; "" for what
    does not read as pages ("Suppl-12", "t-8": a database's mangled range says nothing)."""
    found = _PAGES.match(pages or "")
    return found.group(1).lower().lstrip("0") if found else ""


_SPAN = re.compile(
    r"^\s*(?:pp?\.?\s*)?([a-z]?)(\d+)([a-z]?)(?:\s*[-–—]+\s*[a-z]?(\d+)[a-z]?)?\s*\.?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class PageSpan:
    """Pages as a range: "356-359" -> ("", 356, 359); "288--97" -> ("", 288, 297);
    "S78-S89" -> ("s", 78, 89); "e12724" -> ("e", 12724, 12724)."""

    prefix: str
    first: int
    last: int

    @property
    def is_range(self) -> bool:
        return self.last > self.first

    def agrees(self, other: PageSpan) -> bool | None:
        """Whether two spans can be one article's pages (they overlap: "359" lies in
        "356-359"); None when they cannot be compared: a letter on one side only that marks
        an article number ("e12724", "c1804") or a supplement the other side left out."""
        overlap = max(self.first, other.first) <= min(self.last, other.last)
        if self.prefix == other.prefix:
            return overlap
        if self.prefix and other.prefix:  # "e494" and "S99": pages of two different kinds
            return False
        lettered = self if self.prefix else other
        if lettered.prefix == "s" or lettered.first >= 1000 or overlap:
            return None  # a supplement's letter dropped, an article number, "A12" and "12"
        return False  # "e56" and "2642-2644": a journal's e-page and its printed pages

    def __str__(self) -> str:
        first = f"{self.prefix}{self.first}"
        return f"{first}-{self.prefix}{self.last}" if self.is_range else first


def page_span(pages: str | None) -> PageSpan | None:
    """The span of a page field, or None when it does not read as pages ("Suppl-12")."""
    found = _SPAN.match(pages or "")
    if not found:
        return None
    prefix, first_text, _, last_text = found.groups()
    first = last = int(first_text)
    if last_text:
        if len(last_text) < len(first_text):  # "288--97": the last page's leading digits left out
            last_text = first_text[: len(first_text) - len(last_text)] + last_text
        last = int(last_text)
        if last < first:  # "359-356": written the wrong way round
            first, last = last, first
    return PageSpan(prefix.lower(), first, last)


def volume_key(volume: str | None) -> str:
    """A volume number without decoration: "Vol. 108" -> "108"; "" when it holds none."""
    found = re.search(r"\d+", volume or "")
    return found.group(0).lstrip("0") if found else ""


# --- one work's words -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tokens:
    """A work's folded title and content words, computed once and shared by blocking and scoring."""

    title: str
    title_words: tuple[str, ...]  # distinct content words, interned; a tuple is a
    abstract_words: tuple[str, ...]  # fifth of a set's size (3 KB a work less at a million)
    abstract_hash: int  # hash of the folded abstract, to tell identical abstracts apart cheaply
    arxiv: str  # arxiv_key
    doi: str  # doi_key
    author_year: str = ""  # first author's surname key and the year: "aha 1991"


_NO_NAME = frozenset(["anonymous", "anon", "unknown", "others", "etal", "noauthor", "na"])


def tokens_of(work: WorkFeatures) -> Tokens:
    title = fold(strip_annotations(repair(work.title)))
    abstract = fold(repair(work.abstract))
    first = surname_key(work.authors[0]) if work.authors else ""
    first = "" if first in _NO_NAME else first
    return Tokens(
        author_year=intern(f"{first} {work.year}") if first and work.year else "",
        title=title,
        title_words=_content_words(title),
        abstract_words=_content_words(abstract),
        abstract_hash=hash(abstract) if abstract else 0,
        arxiv=arxiv_key(work.arxiv_id, work.doi),
        doi=doi_key(work.doi),
    )


def _content_words(folded: str) -> tuple[str, ...]:
    # interned: a catalog repeats the same words millions of times
    return tuple(set(map(intern, folded.split())) - STOPWORDS)
