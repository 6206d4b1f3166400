"""The catalog's SQLite tables. Only the store knows them; services get domain views back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from curator.domain.clock import utcnow

MAX_ROW_ID = 2**63 - 1  # SQLite's largest integer: a larger id cannot even be looked up


class Meta(SQLModel, table=True):
    """Key/value facts about the catalog file itself, such as its schema version."""

    key: str = Field(primary_key=True)
    value: str


class Venue(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    short_name: str | None = None
    kind: str = "other"
    parent_id: int | None = Field(default=None, foreign_key="venue.id")  # a workshop's conference


class VenueAlias(SQLModel, table=True):
    """A label as written on some listing, pointing at the venue it means."""

    id: int | None = Field(default=None, primary_key=True)
    label_key: str = Field(unique=True)
    label: str
    venue_id: int = Field(foreign_key="venue.id", index=True)
    note: str | None = None  # kept on works imported under this label ("Spotlight")


class MergedVenue(SQLModel, table=True):
    """A venue merged into another: its id stays reserved and points where its works went, so
    an older snapshot naming it still finds its venue."""

    id: int = Field(primary_key=True)
    into_id: int


class VenueRejection(SQLModel, table=True):
    """Labels the librarian said are not one venue: never suggested together again."""

    id: int | None = Field(default=None, primary_key=True)
    keys: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class ImportBatch(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    source_file: str = Field(index=True)
    source_path: str
    file_hash: str
    format: str
    imported_at: datetime = Field(default_factory=utcnow)
    n_imported: int = 0
    n_unchanged: int = 0
    n_skipped: int = 0
    n_rejected: int = 0
    report: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))


class Work(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str | None = None
    abstract: str | None = None
    authors: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    authors_incomplete: bool = False
    venue_id: int | None = Field(default=None, foreign_key="venue.id", index=True)
    year: int | None = None
    month: int | None = None
    arxiv_id: str | None = Field(default=None, index=True)
    doi: str | None = Field(default=None, index=True)
    url: str | None = None
    entry_type: str | None = None  # None: follow the venue's kind
    citation_key: str | None = Field(default=None, unique=True)
    notes: str | None = None
    # BibTeX fields curator keeps as they came (volume, pages, publisher...): name -> value
    extra: dict[str, str] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}")
    )
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    # moved on by every update (a trigger): what an editor opened is checked against it on save
    version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class SourceRecord(SQLModel, table=True):
    """One record exactly as imported; never modified after the import wrote it."""

    __table_args__ = (
        UniqueConstraint("source_file", "content_hash"),
        Index("ix_sourcerecord_work", "work_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="importbatch.id")
    work_id: int = Field(foreign_key="work.id")
    source_file: str
    ordinal: int
    first_line: int
    last_line: int
    raw: str
    content_hash: str
    title: str | None = None
    abstract: str | None = None
    authors: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    authors_incomplete: bool = True
    venue_label: str | None = None
    date: str | None = None
    year: int | None = None
    month: int | None = None
    arxiv_id: str | None = None
    doi: str | None = None
    url: str | None = None
    comments: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class Event(SQLModel, table=True):
    """The append-only log: every change with the data needed to undo it.

    `state` is where a change stands on the undo stack: done, undone (redo would apply it
    again), or void (undone, then another change came: no redo). Undo and redo entries
    themselves have none. `author` and `session` say who made the row (a change, or an undo
    or redo of one).
    """

    id: int | None = Field(default=None, primary_key=True)
    state: str | None = Field(default=None, index=True)
    kind: str = Field(index=True)
    summary: str
    created_at: datetime = Field(default_factory=utcnow)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # who made it (`store.authors`); None on steps made before catalog version 7
    author: str | None = None  # the user's login name
    session: str | None = None  # "window:<id>" (one per window) or "cli:<host>"


class Decision(SQLModel, table=True):
    """A librarian's answer about a pair that must never come back as a candidate.

    Remembered by fingerprints (content hashes of one source record on each side), so the
    answer survives edits, re-imports and merges of either side.
    """

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(index=True)  # "distinct" or "related"
    fp_a: str = Field(index=True)
    fp_b: str = Field(index=True)
    work_a: int  # the work ids when decided, for display; fingerprints are what counts
    work_b: int
    created_at: datetime = Field(default_factory=utcnow)


class ScanResult(SQLModel, table=True):
    """A duplicate scan's candidates, kept with the catalog version (the newest event id) they
    were computed at and the settings that made them: the next scan of an unchanged catalog,
    by anyone, reads them instead of scanning again."""

    id: int | None = Field(default=None, primary_key=True)
    catalog_version: int
    settings: str
    created_at: datetime = Field(default_factory=utcnow)
    author: str | None = None
    result: bytes
