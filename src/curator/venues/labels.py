"""Label analysis for venue suggestions: fingerprint, core without decorations, acronyms."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from pyiso4.ltwa import Abbreviate

from curator.domain.catalog import VenueKind
from curator.domain.folding import fold
from curator.domain.venues import guess_venue_kind


def fingerprint(label: str) -> str:
    """OpenRefine's key: folded tokens, deduplicated and sorted."""
    return " ".join(sorted(set(fold(label).split())))


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_MARK = r"(?:spotlight|oral|poster)(?:\s+(?:presentation|paper|talk|session|track))?"
_MARK_GROUP = re.compile(rf"[\(\[]\s*({_MARK})\s*[\)\]]", re.IGNORECASE)
_MARK_TRAILING = re.compile(rf"(?<=\S)[\s,;:–—-]+({_MARK})\s*$", re.IGNORECASE)
# Not "arXiv:2012.01234", not a span such as "Schriften 1870–1973" (part of a title).
YEAR = re.compile(r"(?<![\d.])(?<!\d[–—-])(?:19[5-9]\d|20[0-3]\d)(?!\.?\d)(?![–—-]\d)")
_SHORT_YEAR = re.compile(r"\s?['’‘](\d{2})(?![\w'’])")
_PLACE_PART = r"[A-Z][^,\d()\[\]:;]{1,40}"
_PLACE = re.compile(rf"\s*,\s*({_PLACE_PART}(?:,\s*{_PLACE_PART}){{0,2}})\s*")
_NOT_PLACES = word_set(
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


def capitals(text: str) -> int:
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
        if word and capitals(word.group(1)) >= 2:  # "ICML'23", not "Women's 23"
            removed.append(f"the year '{match.group(1)}")
            text = text[: match.start()] + text[match.end() :]
    years = list(YEAR.finditer(text))
    if not years:
        return text
    removed.extend(dict.fromkeys(f"the year {m.group(0)}" for m in years))
    place = _PLACE.fullmatch(text[years[-1].end() :])
    if place and not set(fold(place.group(1)).split()) & _NOT_PLACES:
        removed.append(f"the city '{place.group(1).strip()}'")
        text = text[: years[-1].end()]
    return YEAR.sub(" ", text)


_OWN_ACRONYM = re.compile(r"\s*[\(\[]\s*([A-Za-z]{2,10})\s*[\)\]]\s*$")


def _take_own_acronym(text: str, removed: list[str]) -> str:
    """A name's own acronym in brackets at its end: "... on Machine Learning (ICML)"."""
    match = _OWN_ACRONYM.search(text)
    if not match or not is_short(match.group(1)):
        return text
    rest = text[: match.start()]
    if acronym_level(fold(match.group(1)), fold(rest).split()) == 0:
        return text
    removed.append(_ACRONYM_PIECE.format(match.group(1)))
    return rest


_ACRONYM_PIECE = "its acronym '({})'"
_ACRONYM_REMOVED = re.compile(r"its acronym '\((\w+)\)'")


def own_acronym(label: str) -> str | None:
    """The acronym a name carries in brackets at its end ("... (ICML)"), if it is its own."""
    for piece in strip_decorations(label)[2]:
        if match := _ACRONYM_REMOVED.fullmatch(piece):
            return match.group(1)
    return None


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
    so "Proceedings of the National Academy of Sciences" and "Second Language Research" stay;
    years only from labels that look like a venue of some kind ("ICML 2023", not a book title).
    "(Findings)" is a publication of its own, not a decoration, and stays too.
    """
    text = " ".join(label.split())
    notes: list[str] = []
    removed: list[str] = []
    core = _take_prefixes(_take_marks(text, notes), removed)
    if guess_venue_kind(core) != VenueKind.OTHER:  # a year in a book's title is no decoration
        core = _take_years(core, removed)
    core = _tidy(_take_own_acronym(core, removed))
    if not core:
        return text, (), ()
    return core, tuple(notes), tuple(removed)


def join_phrases(parts: Iterable[str]) -> str:
    """Described pieces as one phrase: "x", "x and y", "x, y and z"."""
    parts = list(parts)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


MINOR = word_set("of the on in for and a an at to")
GENERIC = word_set("conference annual international proceedings meeting symposium joint")
_SHORT = re.compile(r"[A-Za-z]{2,10}")


def is_short(core: str) -> bool:
    """Whether a label's core is shaped like an acronym: a short word with two capitals."""
    return bool(_SHORT.fullmatch(core)) and capitals(core) >= 2


def _loose(letters: str, words: tuple[str, ...]) -> bool:
    """Each run of letters starts the next word; generic words may be skipped."""

    def match(i: int, j: int) -> bool:
        if j == len(words):
            return i == len(letters)
        word = words[j]
        if word in GENERIC and match(i, j + 1):
            return True
        k = 0
        while i + k < len(letters) and k < len(word) and letters[i + k] == word[k]:
            k += 1
            if match(i + k, j + 1):
                return True
        return False

    return match(0, 0)


def acronym_level(letters: str, words: Sequence[str]) -> int:
    """2 strict, 1 loose, 0 none: how well `letters` abbreviate the folded `words`."""
    significant = tuple(w for w in words if w != letters and w not in MINOR)
    proper = [w for w in significant if w not in GENERIC]
    rest = iter(letters)
    if len(significant) < 2 or not all(w[0] in rest for w in proper):  # quick refusal
        return 0
    if "".join(w[0] for w in significant) == letters:
        return 2 if len(proper) >= 2 else 1  # "ACL" for "Annual Conference on Learning" is loose
    return 1 if _loose(letters, significant) else 0


_ABBREVIATED_WORD = re.compile(r"\b[A-Za-z]{1,8}\.\s")


def looks_abbreviated(core: str) -> bool:
    """A word cut short with a full stop before another word: "J. Mach. Learn. Res.", but not
    "Journal of Machine Learning Research." (a field that ends a sentence)."""
    return bool(_ABBREVIATED_WORD.search(core))


@lru_cache(maxsize=1)
def _abbreviator() -> Abbreviate:
    return Abbreviate.create()  # reads the ISSN's word list once (a quarter of a second)


_SENTINEL = " Zzqx"


@lru_cache(maxsize=65536)
def iso4(name: str) -> str:
    """A title as ISO 4 abbreviates it: "Journal of Machine Learning Research" is
    "J. Mach. Learn. Res."; the title itself when it cannot be abbreviated."""
    abbreviate = _abbreviator()
    try:
        return str(abbreviate(name, remove_part=True))
    except IndexError:  # pyiso4 0.1.6 fails on some last words ("... Automatic Control"),
        pass  # github.com/pierre-24/pyiso4/issues/12: a word after them avoids it
    try:
        found = str(abbreviate(name + _SENTINEL, remove_part=True))
    except IndexError:
        return name
    return found.removesuffix(_SENTINEL) if found.endswith(_SENTINEL) else name


def is_acronym_of(short: str, long: str) -> bool:
    """Whether `short` ("ICML", "NeurIPS") abbreviates `long`, decorations set aside."""
    core = strip_decorations(short)[0]
    if not is_short(core):
        return False
    return acronym_level(fold(core), fold(strip_decorations(long)[0]).split()) > 0
