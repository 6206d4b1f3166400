"""Writing to the catalog inside a unit of work: venues by label, works, records and events."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from sqlmodel import Session, SQLModel, select

from curator.domain.catalog import VenueKind
from curator.domain.clock import utcnow
from curator.domain.errors import NotFoundError
from curator.domain.normalize import clean_line
from curator.domain.venues import guess_venue_kind, venue_key
from curator.store.catalog import driver, on_server, pg_driver
from curator.store.ids import next_id
from curator.store.schema import FULL_TEXT_INSERT_TRIGGER, FULL_TEXT_VALUES
from curator.store.tables import (
    ImportBatch,
    SourceRecord,
    Venue,
    VenueAlias,
    Work,
)


@dataclass(slots=True)
class Created:
    """Venues and aliases a change created along the way, so its event can undo them."""

    venues: list[int] = field(default_factory=list)
    aliases: list[int] = field(default_factory=list)
    labels: set[int] = field(default_factory=set)  # every label resolved, new or known


def venue_for_label(session: Session, label: str, created: Created, kind: str | None = None) -> int:
    """The venue a label means: its alias if known, else a new venue (and alias) for it.

    A new venue gets `kind` when the source says it (a BibTeX journal field), else a guess;
    a label naming a preprint server is one whatever the field ("journal = {CoRR}").
    """
    key = venue_key(label)
    alias = session.exec(select(VenueAlias).where(VenueAlias.label_key == key)).first()
    if alias is not None:
        created.labels.add(alias.id or 0)
        return alias.venue_id
    clean = clean_line(label)
    venue = session.exec(select(Venue).where(Venue.name == clean)).first()
    if venue is None:
        guess = guess_venue_kind(clean)
        kind = guess.value if guess == VenueKind.PREPRINT else kind or guess.value
        venue = Venue(name=clean, kind=kind)
        session.add(venue)
        session.flush()
        created.venues.append(venue.id or 0)
    alias = VenueAlias(label_key=key, label=clean, venue_id=venue.id or 0)
    session.add(alias)
    session.flush()
    created.aliases.append(alias.id or 0)
    created.labels.add(alias.id or 0)
    return venue.id or 0


def _bulk_insert(session: Session, table: type[SQLModel], rows: list[dict[str, Any]]) -> list[int]:
    """One executemany on the sqlite3 connection (a COPY on a server), with ids assigned here;
    ids in input order.

    Safe because every write runs inside BEGIN IMMEDIATE (on a server, holding the catalog's
    write lock): no other writer can take an id
    between reading the counter and inserting. SQLAlchemy's bulk insert spends more time
    preparing rows than SQLite spends writing them (45% of a 100k import), and its
    INSERT ... RETURNING goes row by row: values are converted here as its column types would.
    """
    if not rows:
        return []
    start = next_id(session, table)
    ids = list(range(start, start + len(rows)))
    shapes: dict[tuple[str, ...], list[list[Any]]] = {}  # a column left out takes its default
    for row, i in zip(rows, ids, strict=True):
        shapes.setdefault(tuple(row), []).append([i, *row.values()])
    server = on_server(session)
    for shape, values in shapes.items():
        _convert(values)
        columns = ("id", *shape)
        if server:
            _copy(session, str(table.__tablename__), columns, values)
            continue
        sql = (
            f"INSERT INTO {table.__tablename__} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})"
        )
        driver(session).executemany(sql, values)
    return ids


def _copy(session: Session, table: str, columns: tuple[str, ...], rows: list[list[Any]]) -> None:
    """Rows into a server catalog's table with COPY: one statement (its triggers, the full-text
    index's and the id counter's, run once for all the rows), no per-row round trip."""
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with pg_driver(session).cursor() as cursor, cursor.copy(statement.encode()) as copy:
        for row in rows:
            copy.write_row(row)


def _convert(rows: list[list[Any]]) -> None:
    """Values as the tables' column types store them in SQLite: JSON as text, times as
    SQLAlchemy writes them (sqlite3 stores booleans as 0/1 itself). A column is converted
    where any row holds a list, a dict or a time in it."""
    for column in range(len(rows[0])):
        kinds = {type(row[column]) for row in rows}
        if kinds & {list, tuple, dict}:
            dumps = partial(json.dumps, ensure_ascii=False)
            for row in rows:
                if row[column] is not None:
                    row[column] = dumps(row[column])
        elif datetime in kinds:
            for row in rows:
                if row[column] is not None:
                    row[column] = row[column].strftime("%Y-%m-%d %H:%M:%S.%f")


def insert_works(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    now = utcnow()
    return _bulk_insert(session, Work, [{"created_at": now, "updated_at": now, **r} for r in rows])


BULK_CACHE_KIB = 256 * 1024  # SQLite's page cache while a big import writes (2 MB otherwise)


@contextmanager
def bulk_load(session: Session) -> Iterator[None]:
    """A big import: works inserted inside this block enter the full-text index at its end,
    in one statement, instead of by a trigger row by row (14.6 s of CPU for 100k works instead
    of ~1 s), and the page cache is large enough for the indexes a million rows go into.

    The trigger is dropped and made again inside the same transaction: another program never
    sees a catalog without it, and a failure or a cancel rolls back both. A server catalog
    needs neither: its index trigger runs once per COPY, for all the rows (`_copy`)."""
    if on_server(session):
        yield
        return
    conn = driver(session)
    (cache_size,) = conn.execute("PRAGMA cache_size").fetchone()
    conn.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
    try:
        start = next_id(session, Work)
        conn.execute("DROP TRIGGER work_fts_insert")
        yield
        values = FULL_TEXT_VALUES.replace("new.", "w.")
        conn.execute(
            "INSERT INTO work_fts(rowid, title, authors, abstract, venue, ids, notes) "
            f"SELECT {values} FROM work w WHERE w.id >= ?",
            (start,),
        )
        conn.execute(FULL_TEXT_INSERT_TRIGGER)
    finally:
        conn.execute(f"PRAGMA cache_size = {int(cache_size)}")


def insert_records(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    return _bulk_insert(session, SourceRecord, rows)


def set_citation_keys(session: Session, keys: Mapping[int, str | None]) -> None:
    """Give many works their citation keys in one executemany: the ORM's bulk update goes row
    by row."""
    if keys:
        mark = "%s" if on_server(session) else "?"
        session.connection().exec_driver_sql(
            f"UPDATE work SET citation_key = {mark} WHERE id = {mark}",
            [(k, wid) for wid, k in keys.items()],
        )


def set_work_extra(session: Session, extra: dict[int, dict[str, str]]) -> None:
    """Many works' other BibTeX fields in one executemany."""
    if extra:
        sql = "UPDATE work SET extra = json(?) WHERE id = ?"
        if on_server(session):
            sql = "UPDATE work SET extra = %s::json WHERE id = %s"
        session.connection().exec_driver_sql(
            sql, [(json.dumps(e, ensure_ascii=False), wid) for wid, e in extra.items()]
        )


def add_batch(
    session: Session, source_file: str, source_path: str, file_hash: str, fmt: str
) -> int:
    """A new import batch (a file being read); its counts come with `finish_batch`."""
    batch = ImportBatch(
        source_file=source_file, source_path=source_path, file_hash=file_hash, format=fmt
    )
    session.add(batch)
    session.flush()
    return batch.id or 0


def finish_batch(
    session: Session,
    batch_id: int,
    counts: Mapping[str, int],
    blocks: Iterable[Mapping[str, Any]],
    file_hash: str,
) -> None:
    """The batch's outcome: how many blocks were imported, unchanged, skipped, rejected, what
    became of each (serialised block by block: a million never sit in memory as dicts), and
    the hash of the file's bytes (known once a big file has been read to its end)."""
    dumps = partial(json.dumps, ensure_ascii=False)
    report = "[" + ",".join(map(dumps, blocks)) + "]"
    sql = (
        "UPDATE importbatch SET file_hash = ?, n_imported = ?, n_unchanged = ?, n_skipped = ?, "
        "n_rejected = ?, report = ? WHERE id = ?"
    )
    if on_server(session):
        conn: Any = pg_driver(session)
        query: str | bytes = sql.replace("?", "%s").encode()
    else:
        conn, query = driver(session), sql
    updated = conn.execute(
        query,
        (
            file_hash,
            counts["imported"],
            counts["unchanged"],
            counts["skipped"],
            counts["rejected"],
            report,
            batch_id,
        ),
    )
    if not updated.rowcount:
        raise ValueError(f"no import batch {batch_id}")


def set_work_fields(
    session: Session, work_id: int, values: Mapping[str, Any], updated_at: datetime | None
) -> None:
    """Columns of one work (a venue by `venue_id`), and when it was last changed."""
    work = session.get(Work, work_id)
    if work is None:
        raise NotFoundError(f"no work with id {work_id}")
    for column, value in values.items():
        setattr(work, column, list(value) if column == "authors" else value)
    if updated_at is not None:
        work.updated_at = updated_at
    session.add(work)
    session.flush()
