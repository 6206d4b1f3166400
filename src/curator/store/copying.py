"""Copying a whole catalog between a file and a PostgreSQL server (either way, or file to
file), every row with its id, checked afterwards table by table.

The source is read in one snapshot (a read transaction); the destination is written in one
transaction: a server database gets its schema and every row in the same transaction, a file
is written under a temporary name and renamed only once checked, so a failed copy leaves
nothing. Each table's checksum is a sha256 over its rows in id order, each value normalised
(JSON parsed and written back canonically, booleans as 0/1, times as ISO text) so that the
same rows give the same checksum on either engine.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime
from sqlmodel import SQLModel

from curator.domain.errors import CuratorError
from curator.store import faults, schema_pg, server
from curator.store.backups import sync_folder
from curator.store.catalog import Catalog, driver, on_server, open_catalog, pg_driver
from curator.store.schema import SCHEMA_VERSION, current_version
from curator.store.tables import (
    Decision,
    Event,
    ImportBatch,
    MergedVenue,
    Meta,
    SourceRecord,
    Venue,
    VenueAlias,
    VenueRejection,
    Work,
)
from curator.store.writes import bulk_load

# In an order the references allow (a venue's parent is in its own table: checked at the
# end of the statement on a server, of the transaction on a file).
TABLES: tuple[type[SQLModel], ...] = (
    Meta,
    Venue,
    MergedVenue,
    VenueRejection,
    ImportBatch,
    VenueAlias,
    Work,
    SourceRecord,
    Event,
    Decision,
)
COUNTED = frozenset(schema_pg.COUNTED)  # tables whose ids come from a counter
CHUNK = 2000  # rows read at a time


@dataclass(frozen=True, slots=True)
class TableCheck:
    """One table as read: its rows, their checksum and its id counter (0: none)."""

    table: str
    rows: int
    checksum: str
    counter: int


@dataclass(frozen=True, slots=True)
class CopyResult:
    source: str
    destination: str
    tables: tuple[TableCheck, ...]


class _Columns:
    """A table's columns and how each one's values are normalised."""

    def __init__(self, table: type[SQLModel]) -> None:
        columns = list(table.__table__.columns)  # type: ignore[attr-defined]
        self.table = str(table.__tablename__)
        self.names = tuple(str(c.name) for c in columns)
        self.kinds = tuple(_kind(c.type) for c in columns)
        self.order = "key" if self.table == "meta" else "id"


def _kind(column_type: object) -> str:
    column_type = getattr(column_type, "impl_instance", column_type)  # a TypeDecorator's
    if isinstance(column_type, JSON):
        return "json"
    if isinstance(column_type, Boolean):
        return "bool"
    if isinstance(column_type, DateTime):
        return "time"
    return "plain"


def _time(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _canonical(kinds: Sequence[str], row: Sequence[Any]) -> bytes:
    """One row as the checksum sees it, the same whichever engine it was read from."""
    values: list[Any] = []
    for kind, value in zip(kinds, row, strict=True):
        if value is None:
            values.append(None)
        elif kind == "json":
            parsed = json.loads(value) if isinstance(value, str | bytes) else value
            values.append(json.dumps(parsed, sort_keys=True, ensure_ascii=False))
        elif kind == "bool":
            values.append(int(bool(value)))
        elif kind == "time":
            values.append(_time(value).isoformat(" ", "microseconds"))
        else:
            values.append(value)
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


# --- the two engines -------------------------------------------------------------------------


class _Side:
    """A catalog's raw connection inside its transaction: rows read in id order, rows written
    with their ids, and the id counters."""

    def __init__(self, conn: Any, is_server: bool) -> None:
        self.conn = conn
        self.is_server = is_server

    def read(self, cols: _Columns) -> Iterator[list[tuple[Any, ...]]]:
        if self.is_server:  # JSON as its text: a JSON string must not come back as a str
            names = ", ".join(f'"{n}"::text' if k == "json" else f'"{n}"'
                              for n, k in zip(cols.names, cols.kinds, strict=True))  # fmt: skip
            order = f'"{cols.order}" COLLATE "C"' if cols.order == "key" else cols.order
            cursor = self.conn.cursor(name=f"copy_{cols.table}")
            cursor.execute(f"SELECT {names} FROM {cols.table} ORDER BY {order}".encode())
        else:
            names = ", ".join(f'"{n}"' for n in cols.names)
            cursor = self.conn.execute(f"SELECT {names} FROM {cols.table} ORDER BY {cols.order}")
        try:
            while chunk := cursor.fetchmany(CHUNK):
                yield chunk
        finally:
            cursor.close()

    def counter(self, table: str) -> int:
        """Past every id the table ever had (its counter), or past its largest id."""
        if table not in COUNTED:
            return 0
        if self.is_server:
            row = self.conn.execute(
                "SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence(%s, 'id')"
                f"::regclass), 0), (SELECT coalesce(max(id), 0) FROM {table})",
                (table,),
            ).fetchone()
        else:
            row = self.conn.execute(
                "SELECT (SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = ?), "
                f"(SELECT coalesce(max(id), 0) FROM {table})",
                (table,),
            ).fetchone()
        return int(max(row))

    def write(self, cols: _Columns, chunks: Iterator[list[tuple[Any, ...]]]) -> None:
        names = ", ".join(f'"{n}"' for n in cols.names)
        if self.is_server:
            statement = f"COPY {cols.table} ({names}) FROM STDIN"
            with self.conn.cursor() as cursor, cursor.copy(statement.encode()) as copy:
                for chunk in chunks:
                    for row in chunk:
                        copy.write_row(row)
            return
        marks = ", ".join("?" * len(cols.names))
        sql = f"INSERT INTO {cols.table} ({names}) VALUES ({marks})"
        for chunk in chunks:
            self.conn.executemany(sql, [_for_sqlite(cols.kinds, row) for row in chunk])

    def set_counter(self, table: str, value: int) -> None:
        if table not in COUNTED or value <= 0 or self.counter(table) >= value:
            return
        if self.is_server:
            self.conn.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id')::regclass, %s)", (table, value)
            )
            return
        updated = self.conn.execute(
            "UPDATE sqlite_sequence SET seq = ? WHERE name = ?", (value, table)
        )
        if not updated.rowcount:
            self.conn.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, value)
            )


def _for_sqlite(kinds: Sequence[str], row: Sequence[Any]) -> list[Any]:
    """Values as SQLAlchemy's column types store them in a file (JSON as its text, kept)."""
    out = list(row)
    for i, kind in enumerate(kinds):
        value = out[i]
        if value is None:
            continue
        if kind == "bool":
            out[i] = int(bool(value))
        elif kind == "time":
            out[i] = _time(value).strftime("%Y-%m-%d %H:%M:%S.%f")
        elif kind == "json" and not isinstance(value, str):
            out[i] = json.dumps(value, ensure_ascii=False)
    return out


class _Tally:
    """Counts and hashes rows on their way through."""

    def __init__(self, cols: _Columns) -> None:
        self.cols = cols
        self.rows = 0
        self.digest = hashlib.sha256()

    def through(self, chunks: Iterator[list[tuple[Any, ...]]]) -> Iterator[list[tuple[Any, ...]]]:
        for chunk in chunks:
            for row in chunk:
                self.digest.update(_canonical(self.cols.kinds, row))
            self.rows += len(chunk)
            yield chunk

    def check(self, counter: int) -> TableCheck:
        return TableCheck(self.cols.table, self.rows, self.digest.hexdigest(), counter)


def checks(side: _Side) -> tuple[TableCheck, ...]:
    """Every table's rows, checksum and counter."""
    found = []
    for table in TABLES:
        cols = _Columns(table)
        tally = _Tally(cols)
        for _chunk in tally.through(side.read(cols)):
            pass
        found.append(tally.check(side.counter(cols.table)))
    return tuple(found)


def _copy_tables(source: _Side, dest: _Side) -> tuple[TableCheck, ...]:
    """Every table from source to dest, then dest read back: the same rows, or nothing."""
    copied = []
    dest.conn.execute("DELETE FROM meta")  # the new catalog's own schema version: the source's
    for table in TABLES:
        cols = _Columns(table)
        tally = _Tally(cols)
        dest.write(cols, tally.through(source.read(cols)))
        counter = source.counter(cols.table)
        dest.set_counter(cols.table, counter)
        copied.append(tally.check(counter))
    found = checks(dest)
    for want, got in zip(copied, found, strict=True):
        if want != got:
            raise CuratorError(
                f"the copy of table {want.table} differs from the source ({got.rows} rows "
                f"instead of {want.rows}, or other values): nothing was written"
            )
    return tuple(copied)


# --- opening both ends -----------------------------------------------------------------------


def copy_catalog(source: Path | str, destination: Path | str) -> CopyResult:
    """Copy the catalog at `source` into `destination`, a file that does not exist or a
    server database with no curator schema (CuratorError otherwise, nothing written)."""
    if server.is_server_location(destination):
        check_new_server(str(destination))
    else:
        check_new_file(Path(destination).expanduser())
    catalog = open_source(source)
    try:
        with catalog.read() as session:
            raw = pg_driver(session) if on_server(session) else driver(session)
            side = _Side(raw, on_server(session))
            if server.is_server_location(destination):
                tables = _to_server(side, str(destination))
                shown = server.display(server.url_of(str(destination)))
            else:
                path = Path(destination).expanduser()
                tables = _to_file(side, path)
                shown = str(path)
        return CopyResult(catalog.location, shown, tables)
    finally:
        catalog.close()


def open_source(location: Path | str) -> Catalog:
    """The catalog copied from: one that is there (never made by being named)."""
    if server.is_server_location(location):
        if not _server_has_catalog(str(location)):
            shown = server.hide_password(str(location))
            raise CuratorError(f"{shown} holds no curator catalog: nothing to copy")
    else:
        path = Path(location).expanduser()
        if not path.is_file():
            raise CuratorError(f"no catalog at {path}: nothing to copy")
        _refuse_older(path)
    catalog = open_catalog(location)
    if catalog.damaged:
        catalog.close()
        raise CuratorError(f"{location} is damaged ({catalog.damaged}): restore a backup first")
    return catalog


def _refuse_older(path: Path) -> None:
    """A copy only reads its source: an older catalog file is upgraded by curator opening
    it, which backs it up first (`services.catalogs`), never silently by a copy."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
        try:
            version = current_version(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return  # not readable as a catalog: open_catalog says why in plain words
    if version is not None and version < SCHEMA_VERSION:
        raise CuratorError(
            f"{path} is a catalog of version {version} (this curator writes version "
            f"{SCHEMA_VERSION}): open it once with curator, which upgrades it after a backup "
            "is made, then copy it"
        )


def check_new_file(path: Path) -> None:
    if path.exists() or path.is_symlink():
        raise CuratorError(
            f"{path} already exists: a catalog is copied into a new file only, never over "
            "another (choose a name that is not taken)"
        )


def check_new_server(location: str) -> None:
    if _server_has_catalog(location):
        raise CuratorError(
            f"{server.hide_password(location)} already holds a curator catalog: a catalog is "
            "copied into a new, empty database only (createdb a new one)"
        )


@contextmanager
def _plain(shown: str) -> Iterator[None]:
    import psycopg

    try:
        yield
    except psycopg.Error as exc:
        plain = faults.server(shown, exc)
        if plain is None:
            raise
        raise plain from exc


def _server_has_catalog(location: str) -> bool:
    url = server.url_of(location)
    with _plain(server.display(url)):
        conn = server.connect(url)
        try:
            return schema_pg.current_version(conn) is not None
        finally:
            conn.close()


def _to_server(source: _Side, location: str) -> tuple[TableCheck, ...]:
    """Schema and rows in one transaction, holding the catalog's write lock."""
    url = server.url_of(location)
    shown = server.display(url)
    with _plain(shown):
        conn = server.connect(url)
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (schema_pg.WRITE_LOCK,))
                if schema_pg.current_version(conn) is not None:
                    check_new_server(location)  # made meanwhile by another program
                conn.execute("SET LOCAL TimeZone = 'UTC'")
                schema_pg.migrate(conn, shown, SCHEMA_VERSION)
                return _copy_tables(source, _Side(conn, True))
        finally:
            conn.close()


def _to_file(source: _Side, path: Path) -> tuple[TableCheck, ...]:
    """Written under a temporary name, renamed to `path` once checked and committed."""
    temp = path.with_name(f".{path.name}.copying-{os.getpid()}")
    _remove(temp)
    try:
        catalog = open_catalog(temp)
        try:
            with catalog.write() as session, bulk_load(session):
                conn = driver(session)
                conn.execute("PRAGMA defer_foreign_keys = ON")
                tables = _copy_tables(source, _Side(conn, False))
        finally:
            catalog.close()
        _publish(temp, path)
    finally:
        _remove(temp)
    return tables


def _publish(temp: Path, path: Path) -> None:
    """The checked copy under its name, never over a file made there meanwhile."""
    try:
        os.link(temp, path)
    except FileExistsError:
        check_new_file(path)
        raise
    except OSError:  # a file system without hard links
        check_new_file(path)
        os.replace(temp, path)
    sync_folder(path.parent)  # the new name survives a power cut, as the copy reported


def _remove(temp: Path) -> None:
    for extra in ("", "-wal", "-shm", "-journal"):
        with suppress(FileNotFoundError):
            temp.with_name(temp.name + extra).unlink()


def catalog_checks(location: Path | str) -> tuple[TableCheck, ...]:
    """Every table's rows, checksum and counter of the catalog at `location`, in one
    snapshot: what a copy is compared by."""
    catalog = open_source(location)
    try:
        with catalog.read() as session:
            server_side = on_server(session)
            raw = pg_driver(session) if server_side else driver(session)
            return checks(_Side(raw, server_side))
    finally:
        catalog.close()
