"""A resolved BibTeX entry made into the record curator keeps: LaTeX decoded, names split,
date, venue and identifiers read, every other field kept as written."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)

from curator.domain.arxiv import normalize_arxiv_id
from curator.domain.bibfields import MODELLED, Extra, keeps, one_line, ordered
from curator.domain.catalog import VenueKind
from curator.domain.errors import ValidationError
from curator.domain.fields import validate_field
from curator.domain.normalize import MONTH_NAMES
from curator.domain.records import ParsedRecord
from curator.domain.venues import guess_venue_kind
from curator.importers.latex import decode_bibtex_value

# Fields that name the venue, in order of preference, and the kind of venue they imply.
VENUE_FIELDS = (
    ("journal", VenueKind.JOURNAL),
    ("journaltitle", VenueKind.JOURNAL),
    ("booktitle", VenueKind.CONFERENCE),
    ("institution", VenueKind.OTHER),
    ("school", VenueKind.OTHER),
    ("howpublished", None),
)
_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?")
_VERBATIM_ESCAPE = re.compile(r"\\([%_#&~$])")


@dataclass(slots=True)
class ResolvedEntry:
    """An entry whose values are resolved, waiting for its crossref parent (which BibTeX wants
    after it in the file)."""

    fields: dict[str, str]
    entry_type: str
    key: str | None
    where: tuple[int, int, str]
    comments: list[str]


def to_record(entry: ResolvedEntry, ordinal: int) -> ParsedRecord:
    """The record an entry becomes: its text decoded, names, date, venue and ids read, and
    every other field kept as BibTeX source."""
    fields, entry_type, key, comments = entry.fields, entry.entry_type, entry.key, entry.comments
    first, last, raw = entry.where
    text = {k: decode_bibtex_value(v) or None for k, v in fields.items() if k in _TEXT_FIELDS}
    authors, incomplete = _names(fields.get("author", ""))
    year, month = _date(fields, comments)
    venue, kind, venue_field = _venue(text, entry_type)
    arxiv = _arxiv(fields)
    if venue and arxiv and venue == f"arXiv:{arxiv}" and entry_type in ("misc", "unpublished"):
        venue = kind = None  # written by curator's export for a preprint without a venue
    notes = "\n\n".join(n for n in (text.get("annote"), text.get("annotation")) if n) or None
    doi = _checked("doi", _verbatim(fields.get("doi")), comments)
    url = _checked("url", _verbatim(fields.get("url")), comments)
    citation_key = _checked("citation_key", key, comments)
    extra = _extra(fields, _read(fields, venue_field, arxiv), comments)
    return ParsedRecord(
        ordinal=ordinal,
        first_line=first,
        last_line=last,
        raw=raw,
        title=text.get("title"),
        abstract=text.get("abstract"),
        authors=authors,
        authors_incomplete=incomplete,
        venue=venue,
        date=f"{year:04d}-{month:02d}" if year and month else (f"{year:04d}" if year else None),
        year=year,
        month=month,
        arxiv_id=arxiv,
        doi=doi,
        url=url,
        comments=tuple(comments),
        entry_type=entry_type,
        citation_key=citation_key,
        venue_kind=kind,
        notes=notes,
        extra=extra,
    )


_ALWAYS_READ = frozenset(
    ("author", "title", "abstract", "annote", "annotation", "year", "month", "doi", "url",
     "crossref")  # resolved (its fields copied) or reported by _inherit_crossrefs
)  # fmt: skip
_ARXIV_FIELDS = ("eprint", "archiveprefix", "eprinttype")  # primaryclass (cs.LG) is kept


def _read(fields: dict[str, str], venue_field: str | None, arxiv: str | None) -> set[str]:
    """The fields this entry's work was made from; a date with a day is kept too."""
    read = set(_ALWAYS_READ) | {venue_field} - {None}
    if arxiv:
        read.update(_ARXIV_FIELDS)
        if "/" in arxiv:  # an old-style id: the export writes its primaryclass from the id
            read.add("primaryclass")
    if "year" not in fields and re.fullmatch(r"\s*\d{4}(?:-\d{1,2})?\s*", fields.get("date", "")):
        read.add("date")
    return read  # type: ignore[return-value]


def _extra(fields: dict[str, str], read: set[str], comments: list[str]) -> Extra:
    """Every field not read into the work, as BibTeX source under its name: kept, exported."""
    kept = {}
    for name, value in fields.items():
        if name in read:
            continue
        if name in MODELLED:  # a second venue field ("booktitle" of an @article)
            comments.append(f"{name} {value!r} not kept: the work has one venue")
        elif not keeps(name):
            comments.append(f"field {name!r} not kept: not a BibTeX field name")
        elif text := one_line(value):
            kept[name] = text
    return ordered(kept)


_TEXT_FIELDS = frozenset(
    [
        "title",
        "abstract",
        "annote",
        "annotation",
        "journal",
        "journaltitle",
        "booktitle",
        "institution",
        "school",
        "howpublished",
        "publisher",
    ]
)


def _names(value: str) -> tuple[tuple[str, ...], bool]:
    """Authors as "First von Last Jr" and whether the list ends in "and others"."""
    names = [" ".join(n.split()) for n in split_multiple_persons_names(value) if n.strip()]
    incomplete = bool(names) and names[-1] == "others"
    if incomplete:
        names.pop()
    people = []
    for name in names:
        try:
            parts = parse_single_name_into_parts(name, strict=False)
            words = [*parts.first, *parts.von, *parts.last, *parts.jr]
        except Exception:  # a name BibTeX itself would complain about: keep it whole
            words = [name]
        person = decode_bibtex_value(" ".join(words))
        if person:
            people.append(person)
    return tuple(people), incomplete


def _date(fields: dict[str, str], comments: list[str]) -> tuple[int | None, int | None]:
    year = month = None
    if "year" in fields:
        found = _YEAR.match(fields["year"])
        if found:
            year = int(found.group(1))
        else:
            comments.append(f"year {fields['year']!r} is not a year")
    elif "date" in fields:
        found = _DATE.match(fields["date"])
        if found:
            year = int(found.group(1))
            month = int(found.group(2)) if found.group(2) else None
    if "month" in fields:
        month = _month(fields["month"])
        if month is None:
            comments.append(f"month {fields['month']!r} is not a month")
    if month is not None and not 1 <= month <= 12:
        month = None
    return year, month


def _month(value: str) -> int | None:
    text = value.strip().rstrip(".").casefold()
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    for number, name in enumerate(MONTH_NAMES, start=1):
        if len(text) >= 3 and name.startswith(text):
            return number
    return None


def _venue(
    text: dict[str, str | None], entry_type: str
) -> tuple[str | None, str | None, str | None]:
    """(label, kind it implies, the field it came from)."""
    for field, kind in VENUE_FIELDS:
        label = text.get(field)
        if label:
            if kind is VenueKind.CONFERENCE and guess_venue_kind(label) is VenueKind.WORKSHOP:
                kind = VenueKind.WORKSHOP
            return label, (kind.value if kind else None), field
    if entry_type == "book" and text.get("publisher"):
        return text["publisher"], None, "publisher"
    return None, None, None


def _arxiv(fields: dict[str, str]) -> str | None:
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().casefold()
    eprint = fields.get("eprint")
    if eprint and prefix in ("arxiv", ""):
        return normalize_arxiv_id(eprint.strip())
    return None


def _checked(field: str, value: str | None, comments: list[str]) -> str | None:
    """`value` as the catalog stores it, or None with a comment when the catalog cannot."""
    if not value:
        return None
    try:
        checked: str | None = validate_field(field, value)
        return checked
    except ValidationError as exc:
        comments.append(f"not kept: {exc}")
        return None


def _verbatim(value: str | None) -> str | None:
    """DOIs and URLs are written almost verbatim; only \\% style escapes are undone."""
    if value is None:
        return None
    text = _VERBATIM_ESCAPE.sub(r"\1", " ".join(value.split()))
    if text.startswith("{") and text.endswith("}") and _balanced(text[1:-1]):
        text = text[1:-1]  # url = {{https://...}}
    return text or None


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += (char == "{") - (char == "}")
        if depth < 0:
            return False
    return depth == 0
