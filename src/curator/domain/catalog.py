"""The curated catalog as the rest of curator sees it: works, source records, venues."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class VenueKind(StrEnum):
    CONFERENCE = "conference"
    WORKSHOP = "workshop"
    JOURNAL = "journal"
    PREPRINT = "preprint"
    OTHER = "other"


class WorkOrder(StrEnum):
    """The orders the catalog table can show works in; works without the value come last."""

    TITLE = "title"
    AUTHORS = "authors"  # by the first author as written
    VENUE = "venue"
    YEAR = "year"
    ARXIV = "arxiv"
    SOURCES = "sources"  # how many source records a work has
    ID = "id"  # the order works were added in


ENTRY_TYPES = (
    "article",
    "inproceedings",
    "misc",
    "techreport",
    "book",
    "incollection",
    "phdthesis",
    "mastersthesis",
    "unpublished",
)


def default_entry_type(venue_kind: str | None) -> str:
    """The BibTeX entry type a work gets unless the librarian chose one."""
    if venue_kind == VenueKind.JOURNAL:
        return "article"
    if venue_kind in (VenueKind.CONFERENCE, VenueKind.WORKSHOP):
        return "inproceedings"
    return "misc"


@dataclass(frozen=True, slots=True)
class WorkView:
    """A work with everything a reader of the catalog needs, venue resolved."""

    id: int
    title: str | None
    abstract: str | None
    authors: tuple[str, ...]
    authors_incomplete: bool
    venue: str | None
    venue_kind: str | None
    year: int | None
    month: int | None
    arxiv_id: str | None
    doi: str | None
    url: str | None
    entry_type: str
    entry_type_overridden: bool
    citation_key: str | None
    notes: str | None
    record_ids: tuple[int, ...]
    extra: tuple[tuple[str, str], ...] = ()  # other BibTeX fields, in entry order
    venue_id: int | None = None
    version: int = 0  # the row's version when read: a save checks it (`ChangedSinceOpened`)


@dataclass(frozen=True, slots=True)
class WorkRow:
    """The few columns the catalog table shows, cheap to load for 100k works."""

    id: int
    title: str | None
    authors: tuple[str, ...]
    authors_incomplete: bool
    venue: str | None
    year: int | None
    arxiv_id: str | None
    n_records: int
    abstract_start: str | None = None  # shown in place of a missing title


@dataclass(frozen=True, slots=True)
class RecordView:
    """A source record as it was imported, with where it came from."""

    id: int
    work_id: int
    batch_id: int
    source_file: str
    ordinal: int
    first_line: int
    last_line: int
    raw: str
    content_hash: str
    title: str | None
    abstract: str | None
    authors: tuple[str, ...]
    authors_incomplete: bool
    venue: str | None
    date: str | None
    year: int | None
    month: int | None
    arxiv_id: str | None
    doi: str | None
    url: str | None
    comments: tuple[str, ...]


def format_authors_short(authors: tuple[str, ...] | list[str], incomplete: bool) -> str:
    """'A', 'A and B', 'A, B and C', or 'A et al.' for long or incomplete lists."""
    names = list(authors)
    if not names:
        return ""
    if len(names) > 3:
        return f"{names[0]} et al."
    if incomplete:
        return f"{', '.join(names)} et al."
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"


@dataclass(frozen=True, slots=True)
class VenueRecord:
    """A venue as the catalog holds it."""

    id: int
    name: str
    short_name: str | None
    kind: str
    parent_id: int | None  # the conference a workshop is part of


@dataclass(frozen=True, slots=True)
class LabelRecord:
    """A venue label as written on some listing, and the venue it is filed under."""

    id: int
    label_key: str
    label: str
    venue_id: int
    note: str | None  # kept on works imported under this label ("Spotlight")


@dataclass(frozen=True, slots=True)
class AliasView:
    """A label as written on listings, the venue it is filed under, and how often it occurs."""

    label: str
    records: int
    note: str | None = None


@dataclass(frozen=True, slots=True)
class VenueView:
    """A venue with its kind, names, the labels seen for it and how many works use it."""

    id: int
    name: str
    short_name: str | None
    kind: str
    parent_id: int | None
    parent_name: str | None
    works: int
    aliases: tuple[AliasView, ...]

    def matches(self, text: str) -> bool:
        needle = text.casefold().strip()
        haystack = [self.name, self.short_name or "", self.kind, *(a.label for a in self.aliases)]
        return not needle or any(needle in h.casefold() for h in haystack)
