"""Works written as BibTeX entries: fields by entry type, values escaped, checked for gaps."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bibtexparser.entrypoint import write_string
from bibtexparser.library import Library
from bibtexparser.model import Entry, Field
from bibtexparser.writer import BibtexFormat

from curator.domain.catalog import WorkView
from curator.domain.normalize import MONTH_NAMES
from curator.export.latex import Charset, ascii_latex, encode, encode_title
from curator.export.names import bibtex_names

MONTHS = tuple(name[:3] for name in MONTH_NAMES)  # BibTeX's month macros: jan, feb, ...

# The field that names a work's venue, by entry type.
VENUE_FIELD = {
    "article": "journal",
    "inproceedings": "booktitle",
    "incollection": "booktitle",
    "techreport": "institution",
    "phdthesis": "school",
    "mastersthesis": "school",
    "book": "publisher",
    "misc": "howpublished",
    "unpublished": "howpublished",
}
# What each entry type needs to print properly (BibTeX's required fields, in catalog terms).
REQUIRED: dict[str, tuple[str, ...]] = {
    entry_type: ("authors", "title", "year")
    if venue == "howpublished"
    else ("authors", "title", "venue", "year")
    for entry_type, venue in VENUE_FIELD.items()
}
# Fields kept as they came (`WorkView.extra`): BibTeX's plain.bst wants them.
REQUIRED["incollection"] += ("publisher",)
REQUIRED["unpublished"] += ("note",)
_OLD_ARXIV = re.compile(r"^([a-z-]+(?:\.[A-Z]{2})?)/\d{7}$")


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """What the librarian chose in the export dialog (or on the command line)."""

    charset: Charset = Charset.UTF8
    abstracts: bool = False
    notes: bool = True  # as `annote`, which standard styles do not print


@dataclass(frozen=True, slots=True)
class Gap:
    """A work that lacks fields its entry type needs."""

    work_id: int
    citation_key: str | None
    entry_type: str
    title: str | None
    missing: tuple[str, ...]  # BibTeX field names: author, title, journal, year ...

    def describe(self) -> str:
        what = self.title or "(untitled)"
        key = self.citation_key or f"work {self.work_id}"
        return f"{key} (@{self.entry_type}, {what[:60]}): no {', no '.join(self.missing)}"


def gaps(works: Iterable[WorkView]) -> list[Gap]:
    """Every work missing a field its entry type needs, in the order given."""
    found = []
    for work in works:
        missing = tuple(
            _bibtex_field_name(work.entry_type, field)
            for field in REQUIRED.get(work.entry_type, ("authors", "title", "year"))
            if not _has(work, field)
        )
        if missing:
            found.append(Gap(work.id, work.citation_key, work.entry_type, work.title, missing))
    return found


def _has(work: WorkView, field: str) -> bool:
    if field == "authors":
        return bool(work.authors)
    if field in ("publisher", "note"):
        return any(name == field for name, _ in work.extra)
    return getattr(work, field, None) is not None


def _bibtex_field_name(entry_type: str, field: str) -> str:
    if field == "venue":
        return VENUE_FIELD.get(entry_type, "howpublished")
    return {"authors": "author"}.get(field, field)


def entry_fields(work: WorkView, options: ExportOptions) -> list[tuple[str, str]]:
    """(field, value as written) pairs for one work; values already enclosed and escaped."""
    cs = options.charset
    fields: list[tuple[str, str]] = []
    if work.authors or work.authors_incomplete:
        fields.append(("author", _braced(bibtex_names(work.authors, work.authors_incomplete, cs))))
    if work.title:
        fields.append(("title", _braced(encode_title(work.title, cs))))
    venue_field = _venue_field(work)
    if work.venue:
        fields.append((venue_field, _braced(encode(work.venue, cs))))
    elif work.arxiv_id and venue_field == "howpublished":
        # Classic styles ignore eprint: say where the paper is in a field they print.
        fields.append(("howpublished", _braced(encode(f"arXiv:{work.arxiv_id}", cs))))
    if work.year is not None:
        fields.append(("year", str(work.year)))
    if work.month is not None:
        fields.append(("month", MONTHS[work.month - 1]))
    fields += _identifiers(work, cs)
    fields += _extra(work, cs, {name for name, _ in fields})
    if options.abstracts and work.abstract:
        fields.append(("abstract", _braced(encode(work.abstract, cs))))
    if options.notes and work.notes:
        fields.append(("annote", _braced(encode(work.notes, cs))))
    return fields


def _venue_field(work: WorkView) -> str:
    """The entry type's venue field, unless the source gave that field a value of its own (a
    @book's publisher beside a booktitle): then one an import reads as the venue first."""
    kept = {name for name, _ in work.extra}
    first = VENUE_FIELD.get(work.entry_type, "howpublished")
    choices = (first, "booktitle", "institution", "school", "howpublished")
    free = [f for f in choices if f not in kept]
    return free[0] if free else first  # all five kept: the venue wins over the kept value


def _identifiers(work: WorkView, cs: Charset) -> list[tuple[str, str]]:
    fields = []
    if work.doi:
        fields.append(("doi", _braced(_verbatim(work.doi))))
    if work.url:
        fields.append(("url", _braced(_verbatim(work.url))))
    if work.arxiv_id:
        fields.append(("eprint", _braced(encode(work.arxiv_id, cs))))
        fields.append(("archiveprefix", "{arXiv}"))
        old_style = _OLD_ARXIV.match(work.arxiv_id)
        if old_style:
            fields.append(("primaryclass", _braced(old_style.group(1))))
    return fields


def _extra(work: WorkView, cs: Charset, written: set[str]) -> list[tuple[str, str]]:
    """The fields kept as they came (volume, pages, publisher...): BibTeX source, verbatim
    (in the LaTeX charset, non-ASCII letters as macros); one curator wrote itself wins."""
    kept = _second_eprint(dict(work.extra)) if work.arxiv_id else dict(work.extra)
    return [
        (name, _braced(_latex_source(name, value) if cs is Charset.LATEX else value))
        for name, value in kept.items()
        if name not in written
    ]


_PATHS = frozenset(("file", "pdf", "localfile", "urldate", "isbn", "issn"))
_URL_ARGUMENT = re.compile(r"(\\(?:url|href)\{[^{}]*\})")


def _latex_source(name: str, value: str) -> str:
    """Non-ASCII letters as macros, but not in a file path or inside \\url{...}."""
    if name in _PATHS:
        return value
    parts = _URL_ARGUMENT.split(value)
    return "".join(p if i % 2 else ascii_latex(p) for i, p in enumerate(parts))


def _second_eprint(kept: dict[str, str]) -> dict[str, str]:
    """An arXiv work's eprint is its arXiv id: another one it kept (a PubMed id, after a merge
    with the published version) is written under its own name, `pmid = {31234567}`."""
    if "eprint" not in kept:
        return kept
    kind = kept.pop("eprinttype", "").strip().lower()
    name = "pmid" if kind in ("pubmed", "pmid") else f"{kind}id" if kind.isalpha() else "eprintid"
    kept[name] = kept.pop("eprint")
    if "eprintclass" in kept:
        kept[f"{name}class"] = kept.pop("eprintclass")
    return kept


def _braced(value: str) -> str:
    return "{" + value + "}"


def _verbatim(value: str) -> str:
    r"""DOIs and URLs as they are: biblatex and \url read them verbatim (Biber turned `\%` into
    `%5C%`). The catalog keeps no braces or backslashes in them, so they cannot break out."""
    return value


def to_bibtex(works: Iterable[WorkView], keys: dict[int, str], options: ExportOptions) -> str:
    """The text of a .bib file with one entry per work, keyed by `keys[work.id]`."""
    library = Library()
    for work in works:
        fields = [Field(name, value) for name, value in entry_fields(work, options)]
        library.add(Entry(work.entry_type, keys[work.id], fields))
    layout = BibtexFormat()  # type: ignore[no-untyped-call]
    layout.indent = "  "
    layout.block_separator = "\n"
    return write_string(library, unparse_stack=[], bibtex_format=layout)
