"""The catalog file: engine, pragmas, and the unit of work. Nothing else creates a Session."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from curator.domain.errors import CuratorError
from curator.store.schema import SCHEMA_VERSION, check_readable, current_version, migrate

_WRITE = "curator_write"


def _json_dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


class Catalog:
    """One open catalog file. `write()` and `read()` hand out sessions, one transaction each."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self._engine = engine
        self._writer = engine.execution_options(**{_WRITE: True})

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction (BEGIN IMMEDIATE): committed on success, rolled back on error."""
        with _friendly_errors(self.path), Session(self._writer, expire_on_commit=False) as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only snapshot."""
        with _friendly_errors(self.path), Session(self._engine) as s:
            try:
                yield s
            finally:
                s.rollback()

    def close(self) -> None:
        self._engine.dispose()


def open_catalog(path: Path | str) -> Catalog:
    """Open (creating if needed) the catalog at `path`, migrated to the current schema."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise CuratorError(f"{path} is a folder; give the path of a catalog file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CuratorError(f"cannot create the folder for {path}: {exc.strerror}") from exc
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": 10},
        json_serializer=_json_dumps,
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    catalog = Catalog(path, engine)
    try:
        with _friendly_errors(path):
            _bring_up_to_date(path)
    except BaseException:
        engine.dispose()
        raise
    return catalog


def _bring_up_to_date(path: Path) -> None:
    """Create or migrate the schema on a plain sqlite3 connection; a current catalog is only
    read, so opening it never waits for another program's write."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=10)
    try:
        version = current_version(conn)
        check_readable(version, str(path))
        if version is None or version < SCHEMA_VERSION:
            conn.execute("PRAGMA journal_mode = WAL")
            migrate(conn, str(path))
    finally:
        conn.close()


def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself, so writes can be IMMEDIATE.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
    immediate = conn.get_execution_options().get(_WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def _friendly_errors(path: Path) -> Iterator[None]:
    """Turn the database errors a user can fix into plain messages (from SQLAlchemy or from
    the sqlite3 connection that migrates)."""
    try:
        yield
    except (OperationalError, sqlite3.OperationalError) as exc:
        message = str(getattr(exc, "orig", exc)).lower()
        if "locked" in message or "busy" in message:
            raise CuratorError(
                f"{path} is busy: another program is writing to it. Try again in a moment."
            ) from exc
        if "readonly" in message or "read-only" in message:
            raise CuratorError(f"{path} is read-only; choose a catalog you can write to.") from exc
        if "unable to open" in message:
            raise CuratorError(f"cannot open {path}; check the path and permissions.") from exc
        if "disk" in message and "full" in message:
            raise CuratorError(f"the disk holding {path} is full; free some space.") from exc
        raise
    except (SADatabaseError, sqlite3.DatabaseError) as exc:
        if "not a database" in str(getattr(exc, "orig", exc)).lower():
            raise CuratorError(f"{path} is not a curator catalog (not an SQLite file).") from exc
        raise


def driver(session: Session) -> sqlite3.Connection:
    """The sqlite3 connection under a session: the few hot queries (100k table rows) skip
    SQLAlchemy's row processing, which would cost more than the query."""
    conn = session.connection().connection.driver_connection
    if not isinstance(conn, sqlite3.Connection):
        raise TypeError("the catalog is not an SQLite file")
    return conn
