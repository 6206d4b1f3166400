"""Creating and migrating the catalog schema, including full-text search kept by triggers."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, text
from sqlmodel import SQLModel

from curator.domain.errors import CuratorError
from curator.store import tables

SCHEMA_VERSION = 4

_FTS_VALUES = """
    new.id,
    coalesce(new.title, ''),
    (SELECT coalesce(group_concat(value, '; '), '') FROM json_each(new.authors)),
    coalesce(new.abstract, ''),
    coalesce((SELECT name || ' ' || coalesce(short_name, '')
              FROM venue WHERE id = new.venue_id), ''),
    trim(coalesce(new.arxiv_id, '') || ' ' || coalesce(new.doi, '')),
    coalesce(new.notes, '')
"""

_FTS_INSERT = f"""CREATE TRIGGER work_fts_insert AFTER INSERT ON work BEGIN
        INSERT INTO work_fts(rowid, title, authors, abstract, venue, ids, notes)
        VALUES ({_FTS_VALUES});
    END"""
# Only the indexed columns: giving 100k works their citation keys (searched on the work table,
# not here) at a first export no longer re-indexes every abstract (191 s -> see README).
_FTS_UPDATE = f"""CREATE TRIGGER work_fts_update
    AFTER UPDATE OF title, authors, abstract, venue_id, arxiv_id, doi, notes ON work BEGIN
        DELETE FROM work_fts WHERE rowid = old.id;
        INSERT INTO work_fts(rowid, title, authors, abstract, venue, ids, notes)
        VALUES ({_FTS_VALUES});
    END"""

FTS_DDL = [
    """CREATE VIRTUAL TABLE work_fts USING fts5(
        title, authors, abstract, venue, ids, notes,
        tokenize = 'unicode61 remove_diacritics 2')""",
    _FTS_INSERT,
    """CREATE TRIGGER work_fts_delete AFTER DELETE ON work BEGIN
        DELETE FROM work_fts WHERE rowid = old.id;
    END""",
    _FTS_UPDATE,
    """CREATE TRIGGER venue_fts_update AFTER UPDATE OF name, short_name ON venue BEGIN
        UPDATE work_fts SET venue = new.name || ' ' || coalesce(new.short_name, '')
        WHERE rowid IN (SELECT id FROM work WHERE venue_id = new.id);
    END""",
    # Source records are never modified after import: the database enforces it.
    """CREATE TRIGGER sourcerecord_immutable BEFORE UPDATE OF
        raw, content_hash, source_file, ordinal, first_line, last_line, title, abstract,
        authors, venue_label, date, year, month, arxiv_id, doi, url, comments ON sourcerecord
    BEGIN
        SELECT RAISE(ABORT, 'source records are immutable');
    END""",
]

FTS_DDL += [
    # The event log is append-only: undo appends a new event, it never rewrites history.
    """CREATE TRIGGER event_no_update BEFORE UPDATE ON event
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END""",
    """CREATE TRIGGER event_no_delete BEFORE DELETE ON event
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END""",
]


def _v1_to_v2(conn: Connection) -> None:
    """Version 2 remembers decisions about candidate pairs (distinct, related)."""
    tables.Decision.__table__.create(conn, checkfirst=True)  # type: ignore[attr-defined]


def _v2_to_v3(conn: Connection) -> None:
    """Version 3 curates venues: workshop parents, alias notes, merged ids, rejections."""
    conn.execute(text("ALTER TABLE venue ADD COLUMN parent_id INTEGER REFERENCES venue (id)"))
    conn.execute(text("ALTER TABLE venuealias ADD COLUMN note VARCHAR"))
    for table in (tables.MergedVenue, tables.VenueRejection):
        table.__table__.create(conn, checkfirst=True)  # type: ignore[attr-defined]


# Each step takes the catalog from version N to N+1. Append, never edit.
def _v3_to_v4(conn: Connection) -> None:
    """Version 4 keeps the BibTeX fields curator does not model (volume, pages, publisher...),
    and leaves citation keys out of the full-text index (old keys there stay findable)."""
    conn.execute(text("ALTER TABLE work ADD COLUMN extra JSON NOT NULL DEFAULT '{}'"))
    for name, ddl in (("work_fts_insert", _FTS_INSERT), ("work_fts_update", _FTS_UPDATE)):
        conn.execute(text(f"DROP TRIGGER {name}"))
        conn.execute(text(ddl))


MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    1: _v1_to_v2,
    2: _v2_to_v3,
    3: _v3_to_v4,
}


def current_version(conn: Connection) -> int | None:
    exists = conn.execute(
        text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'")
    ).first()
    if not exists:
        return None
    row = conn.execute(text("SELECT value FROM meta WHERE key='schema_version'")).first()
    return int(row[0]) if row else None


def ensure_schema(conn: Connection, source: str) -> None:
    """Create a new catalog, or bring an older one up to date; refuse a newer one."""
    version = current_version(conn)
    if version is None:
        _check_empty(conn, source)
        SQLModel.metadata.create_all(conn)
        for ddl in FTS_DDL:
            conn.execute(text(ddl))
        _set_version(conn, SCHEMA_VERSION)
        return
    if version > SCHEMA_VERSION:
        raise CuratorError(
            f"{source} was written by a newer curator (catalog version {version}, this "
            f"program reads up to {SCHEMA_VERSION}); update curator to open it."
        )
    for step in range(version, SCHEMA_VERSION):
        MIGRATIONS[step](conn)
        _set_version(conn, step + 1)


def _check_empty(conn: Connection, source: str) -> None:
    tables_found = conn.execute(
        text("SELECT count(*) FROM sqlite_master WHERE type='table'")
    ).scalar_one()
    if tables_found:
        raise CuratorError(
            f"{source} is an SQLite database but not a curator catalog; choose another file."
        )


def _set_version(conn: Connection, version: int) -> None:
    conn.execute(
        text("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', :v)"),
        {"v": str(version)},
    )
