"""The catalog, a file or a server database: engine, pragmas, unit of work. Nothing else makes
a Session."""

from __future__ import annotations

import json
import sqlite3
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.pool import NullPool
from sqlmodel import Session

from curator.domain.errors import CuratorError, DamagedCatalogError
from curator.store import backups, faults, schema_pg, server
from curator.store.authors import AUTHOR, Author
from curator.store.schema import SCHEMA_VERSION, check_readable, current_version, migrate

if TYPE_CHECKING:
    import psycopg

_WRITE = "curator_write"
_QUICK = "curator_quick"  # a write that must not wait for the catalog's writers
QUICK_WAIT = 0.2  # seconds such a write waits for a file's lock at most
QUICK_WAIT_SERVER = "1s"  # and for a row another session holds, on a server


def _json_dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


class Catalog:
    """One open catalog: a file, or a database on a PostgreSQL server (`is_server`).
    `write()` and `read()` hand out sessions, one transaction each.

    A catalog found damaged (on opening, or by any read that meets a malformed page) is
    `damaged`: from then on it is only read, never written, so nothing is built on bad pages.
    `author` (None: the user's command line) is who writes through it: every session carries
    it in `Session.info`, so the event log knows it whatever engine or pool is behind it.
    """

    def __init__(
        self,
        path: Path | None,
        engine: Engine,
        damaged: str | None = None,
        *,
        url: URL | None = None,
    ) -> None:
        self._path = path
        self.url = url  # a server catalog's address (with its password, if one was given)
        self.damaged = damaged  # what SQLite found wrong, or None
        self._engine = engine
        options = server.WRITE_OPTIONS if url is not None else {}
        self._writer = engine.execution_options(**{_WRITE: True, **options})
        self._quick: Engine | None = None
        self.author: Author | None = None

    @property
    def is_server(self) -> bool:
        return self.url is not None

    @property
    def path(self) -> Path:
        """The catalog's file; a server catalog has none (CuratorError, in plain words)."""
        if self._path is None:
            raise CuratorError(
                f"{self.location} is a catalog on a database server, not a file: what needs "
                "a file (backups, checks, salvage) is the server's work there (pg_dump)."
            )
        return self._path

    @property
    def location(self) -> str:
        """Where the catalog is, as shown to the user: its path, or its server address
        without any password."""
        return str(self._path) if self.url is None else server.display(self.url)

    @property
    def address(self) -> Path | str:
        """What `open_catalog` opens this catalog again with: its path, or its server
        address as given, with its password if it had one (never shown: see `location`)."""
        return self.path if self.url is None else self.url.render_as_string(hide_password=False)

    @property
    def name(self) -> str:
        """A short name: the file's name, or the database's."""
        return self.path.name if self.url is None else server.database_name(self.url)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction, committed on success, rolled back on error: writers one at a
        time (BEGIN IMMEDIATE on SQLite; the catalog's write lock on a server)."""
        with self._writing(self._writer) as s:
            yield s

    @contextmanager
    def write_unless_busy(self) -> Iterator[Session]:
        """A short write of what is only a cache (kept scan results), which must never hold
        up the librarian: on a file it gives up (CuratorError, busy) when another program
        has been writing for more than a moment; on a server it takes no write lock (what it
        writes is no part of the catalog that writers keep serial) and waits at most a
        second for a row another session holds."""
        if self.damaged:
            raise DamagedCatalogError(self.path, self.damaged)
        with self._writing(self._quick_engine()) as s:
            yield s

    @contextmanager
    def _writing(self, engine: Engine) -> Iterator[Session]:
        if self.damaged:
            raise DamagedCatalogError(self.path, self.damaged)
        with (
            self._errors(),
            Session(engine, expire_on_commit=False, info={AUTHOR: self.author}) as s,
        ):
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    def _quick_engine(self) -> Engine:
        if self.url is not None:
            return self._engine.execution_options(**{_QUICK: True, **server.WRITE_OPTIONS})
        if self._quick is None:  # a connection of its own each time: its short busy timeout
            path = self.path  # never reaches the pool the other writes take theirs from
            quick = create_engine(
                f"sqlite:///{path}",
                connect_args={"check_same_thread": False, "timeout": QUICK_WAIT},
                json_serializer=_json_dumps,
                poolclass=NullPool,
            )
            event.listen(quick, "connect", _on_connect)
            event.listen(quick, "begin", _on_begin)
            self._quick = quick.execution_options(**{_WRITE: True})
        return self._quick

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only snapshot."""
        with self._errors(), Session(self._engine, info={AUTHOR: self.author}) as s:
            try:
                yield s
            finally:
                s.rollback()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        if self.url is not None:
            with _server_errors(self.location):
                yield
            return
        try:
            with _friendly_errors(self.path):
                yield
        except DamagedCatalogError as exc:
            self.damaged = self.damaged or exc.problem
            raise

    def reopen(self) -> None:
        """Fresh connections after the file was replaced (a restore), the catalog checked
        again: everything holding this object sees the restored catalog."""
        self._engine.dispose()
        self._quick = None
        fresh = open_catalog(self.address, check=True)
        self._engine, self._writer, self.damaged = fresh._engine, fresh._writer, fresh.damaged

    def close(self) -> None:
        self._engine.dispose()


# A catalog up to this size is checked (`PRAGMA quick_check`) every time it is opened: about
# a second on a warm disk. A larger one is checked by its daily backup (`services.backups`).
QUICK_CHECK_UP_TO = 256 * 2**20  # bytes


def open_catalog(
    location: Path | str,
    *,
    check: bool = False,
    before_upgrade: Callable[[Path, int], None] | None = None,
) -> Catalog:
    """Open (creating if needed) the catalog at `location`, migrated to the current schema:
    a file's path, or a `postgresql://user@host/database` address (a string) of a database
    on a PostgreSQL server (`server.is_server_location`).

    With `check`, SQLite's `quick_check` runs first (catalogs up to QUICK_CHECK_UP_TO); a
    damaged catalog is then opened read-only, never migrated nor written. `before_upgrade`
    is called with the path and the old schema version before an existing catalog file is
    migrated (a backup); a server catalog is backed up by its server, not called for."""
    if server.is_server_location(location):
        return _open_server(str(location))
    path = Path(location).expanduser()
    refuse_non_file(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CuratorError(f"cannot create the folder for {path}: {exc.strerror}") from exc
    problem = None
    if check and path.exists() and path.stat().st_size <= QUICK_CHECK_UP_TO:
        problem = backups.quick_check(path)
    engine = _engine(path, read_only=problem is not None)
    catalog = Catalog(path, engine, problem)
    try:
        with _friendly_errors(path):
            _bring_up_to_date(path, problem, before_upgrade)
    except DamagedCatalogError as exc:
        engine.dispose()
        if problem is not None or not _schema_readable(path):
            raise  # nothing to read either (a truncated file): only a backup helps
        catalog = open_damaged(path, exc.problem)
    except BaseException:
        engine.dispose()
        raise
    return catalog


def _open_server(location: str) -> Catalog:
    url = server.url_of(location)
    shown = server.display(url)
    with _server_errors(shown):
        conn = server.connect(url)
        try:
            schema_pg.migrate(conn, shown, SCHEMA_VERSION)
        finally:
            conn.close()
    engine = server.engine(url, _json_dumps)
    event.listen(engine, "begin", _on_server_begin)
    return Catalog(None, engine, url=url)


def open_damaged(path: Path, problem: str) -> Catalog:
    """A catalog known to be damaged, opened only to read what can still be read."""
    return Catalog(path, _engine(path, read_only=True), problem)


def _schema_readable(path: Path) -> bool:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error:
        return False
    try:
        return current_version(conn) is not None
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def _engine(path: Path, read_only: bool) -> Engine:
    if read_only:
        engine = create_engine(
            "sqlite://",
            creator=lambda: sqlite3.connect(
                f"file:{path}?mode=ro", uri=True, check_same_thread=False, timeout=10
            ),
            json_serializer=_json_dumps,
        )
    else:
        engine = create_engine(
            f"sqlite:///{path}",
            connect_args={"check_same_thread": False, "timeout": 10},
            json_serializer=_json_dumps,
        )
    event.listen(engine, "connect", _on_read_only_connect if read_only else _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def refuse_non_file(path: Path) -> None:
    """A catalog is a regular file or a new path: never a folder, device, FIFO or socket
    (SQLite would block on a FIFO, or write pages into /dev/null)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise CuratorError(f"cannot open {path}: {exc.strerror}") from exc
    if stat.S_ISDIR(mode):
        raise CuratorError(f"{path} is a folder; give the path of a catalog file")
    if not stat.S_ISREG(mode):
        raise CuratorError(
            f"{path} is {_kind_of(mode)}, not a file; give the path of a catalog file"
        )


def _kind_of(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _bring_up_to_date(
    path: Path, problem: str | None, before_upgrade: Callable[[Path, int], None] | None
) -> None:
    """Create or migrate the schema on a plain sqlite3 connection; a current catalog is only
    read, so opening it never waits for another program's write. A damaged one is never
    migrated: its schema is only read, to tell whether it is a curator catalog at all."""
    mode = "?mode=ro" if problem else ""
    conn = sqlite3.connect(f"file:{path}{mode}", uri=True, isolation_level=None, timeout=10)
    try:
        version = current_version(conn)
        check_readable(version, str(path))
        if problem:
            if version is None:
                raise DamagedCatalogError(path, problem)
            return
        if version is None or version < SCHEMA_VERSION:
            if version is not None and before_upgrade is not None:
                before_upgrade(path, version)
            conn.execute("PRAGMA journal_mode = WAL")
            migrate(conn, str(path))
    finally:
        conn.close()


# FULL: a commit is on disk when it returns, a power cut included (under WAL, NORMAL may lose
# the last commits, a librarian's last decisions). Its cost is measured by
# benchmarks/durability_bench.py and shown in the README.
SYNCHRONOUS = "FULL"


def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself, so writes can be IMMEDIATE.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
    cursor.close()


def _on_read_only_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    dbapi_conn.isolation_level = None
    dbapi_conn.execute("PRAGMA query_only = ON")


def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
    immediate = conn.get_execution_options().get(_WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _on_server_begin(conn) -> None:  # type: ignore[no-untyped-def]
    options = conn.get_execution_options()
    if options.get(_WRITE, False):
        server.lock_for_writing(conn)
    elif options.get(_QUICK, False):
        conn.exec_driver_sql(f"SELECT set_config('lock_timeout', '{QUICK_WAIT_SERVER}', true)")


@contextmanager
def _server_errors(location: str) -> Iterator[None]:
    """The server's errors a user can act on (cannot connect, login refused, no such
    database, disk full, busy) as plain messages; any other is a bug, raised as it is."""
    import psycopg

    try:
        yield
    except (SADatabaseError, psycopg.Error) as exc:
        plain = faults.server(location, exc)
        if plain is None:
            raise
        raise plain from exc


@contextmanager
def _friendly_errors(path: Path) -> Iterator[None]:
    """Turn the storage errors a user can act on into plain messages (from SQLAlchemy or from
    the sqlite3 connection that migrates); a damaged file becomes DamagedCatalogError."""
    try:
        yield
    except (SADatabaseError, sqlite3.DatabaseError) as exc:
        message = str(getattr(exc, "orig", exc))
        plain = faults.plain(path, message)
        if plain is None:
            raise
        raise plain from exc


def driver(session: Session) -> sqlite3.Connection:
    """The sqlite3 connection under a session: the few hot queries (100k table rows) skip
    SQLAlchemy's row processing, which would cost more than the query."""
    conn = session.connection().connection.driver_connection
    if not isinstance(conn, sqlite3.Connection):
        raise TypeError("the catalog is not an SQLite file")
    return conn


def on_server(session: Session) -> bool:
    """Whether a session is a server catalog's: the store's queries take their PostgreSQL
    form there (the services never ask)."""
    return session.get_bind().dialect.name == "postgresql"


def pg_driver(session: Session) -> psycopg.Connection[Any]:
    """The psycopg connection under a server catalog's session, in its transaction: hot
    queries and bulk writes (COPY) skip SQLAlchemy's row processing, as `driver` does."""
    import psycopg

    conn = session.connection().connection.driver_connection
    if not isinstance(conn, psycopg.Connection):
        raise TypeError("the catalog is not on a PostgreSQL server")
    return conn
