"""The listing styles curator can read, and the choice of one style for a given file."""

from __future__ import annotations

import re
from typing import Protocol

from curator.domain.errors import CuratorError, UnrecognisedListingError
from curator.domain.records import BlockStatus, ParseResult
from curator.importers.arxiv_listing import ArxivListingImporter
from curator.importers.author_page import AuthorPageImporter
from curator.importers.bibtex import BibtexImporter
from curator.importers.lab_page import LabPageImporter

__all__ = [
    "FORMATS",
    "MIN_SCORE",
    "ListingImporter",
    "detect_format",
    "get_importer",
    "parse_listing",
]

MIN_SCORE = 0.3  # a style must explain at least this share of the file's non-blank lines
_BINARY_SHARE = 0.05  # more control characters than this and the file is not text
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")


class ListingImporter(Protocol):
    """One listing style: a short name, words for people, a confidence test and a parser."""

    name: str
    label: str

    def sniff(self, text: str) -> float:
        """How well `text` fits this style, from 0 (not at all) to 1 (every line explained)."""
        ...

    def parse(self, text: str) -> ParseResult:
        """Records and problems; never raises, and every non-blank line ends up in one of them."""
        ...


FORMATS: dict[str, ListingImporter] = {
    importer.name: importer
    for importer in (
        BibtexImporter(),  # first: it alone looks for @entry{ lines, and says so quickly
        AuthorPageImporter(),
        LabPageImporter(),
        ArxivListingImporter(),
    )
}


def get_importer(name: str) -> ListingImporter:
    """The importer called `name`, or a CuratorError that lists the valid names."""
    try:
        return FORMATS[name]
    except KeyError:
        valid = ", ".join(FORMATS)
        raise CuratorError(f"unknown listing format {name!r}; valid formats: {valid}") from None


def scores(text: str) -> dict[str, float]:
    """Each style's confidence for `text`, in FORMATS order; a style that explains every line
    ends the asking (no later style could rank above it)."""
    found: dict[str, float] = {}
    for name, importer in FORMATS.items():
        found[name] = importer.sniff(text)
        if found[name] >= 1.0:
            break
    return found


def detect_format(text: str) -> str | None:
    """The name of the style that explains `text` best, or None when none explains enough of it."""
    if _is_blank(text) or _looks_binary(text):
        return None
    ranked = _ranked(text)
    return ranked[0] if ranked else None


def parse_listing(text: str, source: str, format: str | None = None) -> ParseResult:
    """Parse one listing file, in the style given by `format` or else the one detected.

    Raises UnrecognisedListingError (naming the styles tried) for an empty file or one that no
    style explains (with every style as a choice to read it as), and CuratorError for an
    unknown format name.
    """
    importer = get_importer(format) if format is not None else None
    tried = [importer.label] if importer else [i.label for i in FORMATS.values()]
    if _is_blank(text):
        raise UnrecognisedListingError(source, tried, "the file is empty")
    if importer is not None:
        return importer.parse(text)
    if _looks_binary(text):
        raise UnrecognisedListingError(source, tried, "the file looks like binary data, not text")
    refused = None
    for name in _ranked(text):
        result = FORMATS[name].parse(text)
        if result.records:
            return result
        refused = refused or (result if _bibtex_refused(result) else None)
    if refused is not None:
        return refused
    choices = {name: importer.label for name, importer in FORMATS.items()}
    raise UnrecognisedListingError(source, tried, "no publication entries were found", choices)


def _bibtex_refused(result: ParseResult) -> bool:
    """A BibTeX file whose entries were all rejected (and that no other style reads) is a
    BibTeX file: the import says why each was rejected ("line 17: @string a16: its text would
    be ..."), not that the file is in no style curator knows."""
    return result.format == BibtexImporter.name and any(
        p.status is BlockStatus.REJECTED for p in result.problems
    )


def _ranked(text: str) -> list[str]:
    """Styles that explain enough of `text`, best first (ties in the order of FORMATS)."""
    found = scores(text)
    fitting = [name for name in found if found[name] >= MIN_SCORE]
    return sorted(fitting, key=lambda name: -found[name])


def _is_blank(text: str) -> bool:
    return not text.lstrip("\ufeff").strip()


def _looks_binary(text: str) -> bool:
    return "\x00" in text or len(_CONTROL.findall(text)) > _BINARY_SHARE * len(text)
