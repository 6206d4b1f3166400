"""What an importer hands to the rest of curator: parsed records and the blocks it could not use."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum


class BlockStatus(StrEnum):
    """What became of one block of an input file."""

    IMPORTED = "imported"  # a new SourceRecord (and Work) was written
    UNCHANGED = "unchanged"  # the same record from the same file is already in the catalog
    SKIPPED = "skipped"  # deliberately not a record: page preamble, heading, verbatim repeat
    REJECTED = "rejected"  # looked like a record but could not be read


@dataclass(frozen=True, slots=True)
class ParsedRecord:
    """One publication exactly as one block of a listing described it.

    `raw` is the untouched text span of the file; every other field is normalised.
    Lines are 1-based and inclusive; `ordinal` is the 1-based position among the
    records of the file.
    """

    ordinal: int
    first_line: int
    last_line: int
    raw: str
    title: str | None = None
    abstract: str | None = None
    authors: tuple[str, ...] = ()
    authors_incomplete: bool = True
    venue: str | None = None
    date: str | None = None  # ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD
    year: int | None = None
    month: int | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    url: str | None = None
    comments: tuple[str, ...] = ()
    # What a BibTeX entry also says; listings leave these empty.
    entry_type: str | None = None
    citation_key: str | None = None
    venue_kind: str | None = None  # "journal" for a journal field, "conference" for a booktitle
    notes: str | None = None
    extra: tuple[tuple[str, str], ...] = ()  # other BibTeX fields: ("volume", "12"), ...

    @property
    def content_hash(self) -> str:
        return content_hash(self.raw)


@dataclass(frozen=True, slots=True)
class BlockProblem:
    """A block that did not become a record, with the reason a librarian can read."""

    status: BlockStatus  # SKIPPED or REJECTED
    first_line: int
    last_line: int
    reason: str
    raw: str = ""


@dataclass(slots=True)
class ParseResult:
    """Everything one importer made of one file: records plus the blocks it did not use."""

    format: str
    records: list[ParsedRecord] = field(default_factory=list)
    problems: list[BlockProblem] = field(default_factory=list)


def content_hash(raw: str) -> str:
    """A stable fingerprint of a record's raw text (line endings and edge whitespace ignored)."""
    text = "\n".join(line.rstrip() for line in raw.strip().splitlines())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
