"""A catalog on a PostgreSQL server: its address, its engine, and how its transactions are
kept as safe as SQLite's.

Writers one at a time, readers never blocked, as on SQLite (WAL, BEGIN IMMEDIATE): a write
transaction runs at READ COMMITTED and its first statement takes the catalog's advisory lock
(`schema_pg.WRITE_LOCK`, held to its commit or rollback), so every statement after it sees
every write committed before, and no other curator writer can commit until it ends: writes
are serial, and no write skew nor lost update can happen between them. (REPEATABLE READ for
a writer would take its snapshot before the lock is granted, and see too little.) A reader
runs at REPEATABLE READ: one snapshot for the whole read, as an SQLite read transaction has.
A writer waits for the lock at most LOCK_WAIT, then gets the message SQLite's busy timeout
gives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from curator.domain.errors import CuratorError
from curator.store.schema_pg import WRITE_LOCK

if TYPE_CHECKING:
    import psycopg

SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
DRIVER = "postgresql+psycopg"
LOCK_WAIT = "10s"  # as long as SQLite's busy timeout
WRITE_OPTIONS: dict[str, Any] = {"isolation_level": "READ COMMITTED"}
READ_ISOLATION = "REPEATABLE READ"


def is_server_location(location: object) -> bool:
    """Whether a catalog location (as given to --db or CURATOR_DB) names a server catalog:
    a postgresql:// URL. Keep it a string: a Path would fold its '//'."""
    if not isinstance(location, str):
        return False
    scheme = location.split(":", 1)[0].lower()
    return scheme == "postgres" or scheme.startswith("postgresql")


def url_of(location: str) -> URL:
    """The SQLAlchemy URL of a server catalog's location, always through psycopg 3."""
    try:
        url = make_url(location)
    except (ArgumentError, ValueError) as exc:  # ValueError: a port that is not a number
        raise CuratorError(
            f"{hide_password(location)} is not a database address: write it as "
            "postgresql://user@host:port/database"
        ) from exc
    if url.drivername not in SCHEMES:
        raise CuratorError(
            f"curator talks to PostgreSQL through psycopg 3: write the address as "
            f"postgresql://user@host/database, not {url.drivername}://"
        )
    if not url.database:
        raise CuratorError(
            f"{display(url)} names no database: write postgresql://user@host/database"
        )
    return url.set(drivername=DRIVER)


def hide_password(location: str) -> str:
    try:
        return display(make_url(location))
    except (ArgumentError, ValueError):
        return "the address given"


def display(url: URL) -> str:
    """The address as shown to the user: never with a password, in the URL or its query
    (libpq's password, passfile and sslpassword: a client key's)."""
    query = {k: v for k, v in url.query.items() if not _secret(k)}
    shown = url.set(drivername="postgresql", query=query)._replace(password=None)
    return unquote(shown.render_as_string(hide_password=True))  # host=/run/… as typed


def _secret(key: str) -> bool:
    return "password" in key.lower() or key.lower() == "passfile"


def database_name(url: URL) -> str:
    return url.database or ""


def engine(url: URL, json_serializer: Any) -> Engine:
    """The catalog's engine: reads at REPEATABLE READ; `WRITE_OPTIONS` and `on_begin` make
    a writer of it. Times are stored in UTC whatever the server's zone. JIT compilation is
    off: it pays for itself on long analytic queries, never on curator's short ones, and right
    after a big import (statistics not yet gathered) it made opening the review queue ten
    times slower."""
    options = url.query.get("options", "")
    options = " ".join(filter(None, [*([options] if isinstance(options, str) else options),
                                     "-c TimeZone=UTC -c jit=off"]))  # fmt: skip
    made = create_engine(
        url,
        json_serializer=json_serializer,
        isolation_level=READ_ISOLATION,
        pool_pre_ping=True,  # a server restarted meanwhile: a fresh connection, not an error
        connect_args={"options": options, "application_name": "curator"},
    )
    return made


def lock_for_writing(conn: Any) -> None:
    """The first statement of a write transaction: wait (at most LOCK_WAIT) for the other
    writers of this catalog to finish, then hold the lock to the end of this one."""
    conn.exec_driver_sql(
        f"SELECT set_config('lock_timeout', '{LOCK_WAIT}', true), "
        f"pg_advisory_xact_lock({WRITE_LOCK})"
    )


def connect(url: URL) -> psycopg.Connection:
    """A plain psycopg connection, for creating and migrating the schema."""
    import psycopg

    kwargs: dict[str, Any] = url.translate_connect_args(username="user", database="dbname")
    kwargs.update(url.query)
    kwargs.setdefault("application_name", "curator")
    return psycopg.connect(**kwargs)
