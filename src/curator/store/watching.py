"""Telling a program that someone else changed its catalog: a server's notices, a file's
version. What changed is read from the event log (`events.since`); a watcher only wakes its
reader.

On a server, a connection of the watcher's own LISTENs on `schema_pg.EVENTS` (every step
logged sends a notice at its commit) and blocks until one arrives. A file has no notices: its
`PRAGMA data_version`, which moves on when another connection commits, is read every
`POLL` seconds, so two windows on one file see each other's changes within a second.

A watcher is made on one thread and waited on by another: `stop()`, from any thread, makes
`wait` return at once, then and from then on; `close()` ends it once nobody waits.
"""

from __future__ import annotations

import logging
import select
import socket
import sqlite3
import threading
from contextlib import suppress
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING, Any, Protocol

from curator.domain.errors import CuratorError
from curator.store import faults, schema_pg, server

if TYPE_CHECKING:
    import psycopg
    from sqlalchemy.engine import URL

    from curator.store.catalog import Catalog

log = logging.getLogger(__name__)

POLL = 0.5  # seconds between two looks at a file's version
RETRY = 5.0  # seconds between two attempts to reach a server that went away
CONNECT_TIMEOUT = 5  # seconds an attempt may take


class Watcher(Protocol):
    def wait(self, timeout: float) -> bool:
        """Block until the catalog may have changed (True) or `timeout` seconds passed or
        `stop` was asked (False)."""
        ...

    def stop(self) -> None: ...

    def close(self) -> None: ...


def watch(catalog: Catalog) -> Watcher:
    """A watcher of `catalog`, listening from now on; a server that cannot be reached is a
    CuratorError in plain words."""
    if catalog.url is not None:
        return ServerWatcher(catalog.url)
    return FileWatcher(catalog.path)


class FileWatcher:
    """A catalog file's `data_version`, read on a connection of its own every POLL seconds."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stopped = threading.Event()
        try:
            self._conn = sqlite3.connect(
                path, isolation_level=None, check_same_thread=False, timeout=10
            )
            self._conn.execute("PRAGMA query_only = ON")
            self._version = self._read()
        except sqlite3.Error as exc:
            raise faults.plain(path, str(exc)) or CuratorError(
                f"cannot watch {path} for changes: {exc}"
            ) from exc

    def _read(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def wait(self, timeout: float) -> bool:
        deadline = monotonic() + timeout
        while not self._stopped.is_set():
            try:
                version = self._read()
            except sqlite3.Error:  # the file went away or is damaged: the window says so
                log.info("cannot read the version of %s", self.path, exc_info=True)
                version = self._version
            if version != self._version:
                self._version = version
                return True
            left = deadline - monotonic()
            if left <= 0:
                return False
            self._stopped.wait(min(POLL, left))
        return False

    def stop(self) -> None:
        self._stopped.set()

    def close(self) -> None:
        self.stop()
        self._conn.close()


class ServerWatcher:
    """A connection of its own that LISTENs for the catalog's notices. A lost connection is
    made again at once, then every RETRY seconds while the server cannot be reached; once
    back, `wait` says "changed": what was committed meanwhile sent notices nobody heard."""

    def __init__(self, url: URL) -> None:
        if "connect_timeout" not in url.query:  # a stop waits for a connection attempt
            url = url.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT)})
        self.url = url
        self._conn: psycopg.Connection[Any] | None = self._listen()
        self._stopped = False
        self._wake, self._waker = socket.socketpair()  # stop() writes: select() returns
        self._retry_at = 0.0

    def _listen(self) -> psycopg.Connection[Any]:
        import psycopg

        conn: psycopg.Connection[Any] | None = None
        try:
            conn = server.connect(self.url)
            conn.autocommit = True
            conn.execute(f"LISTEN {schema_pg.EVENTS}")
        except psycopg.Error as exc:
            if conn is not None:
                conn.close()
            shown = server.display(self.url)
            raise faults.server(shown, exc) or CuratorError(
                f"cannot watch {shown} for changes: {exc}"
            ) from exc
        return conn

    def wait(self, timeout: float) -> bool:
        import psycopg

        deadline = monotonic() + timeout
        while not self._stopped:
            left = max(0.0, deadline - monotonic())
            if self._conn is None:
                return self._reconnect(left)
            wake = self._wake.fileno()
            ready, _, _ = select.select([self._conn.fileno(), wake], [], [], left)
            if self._stopped or not ready or wake in ready:
                return False
            try:
                if any(True for _ in self._conn.notifies(timeout=0)):
                    return True
            except psycopg.Error:
                log.info("lost the server's notices; connecting again", exc_info=True)
                self._drop()
        return False

    def _reconnect(self, timeout: float) -> bool:
        if monotonic() >= self._retry_at:
            try:
                self._conn = self._listen()
                return not self._stopped
            except CuratorError:
                log.info("cannot listen to %s yet", server.display(self.url), exc_info=True)
                self._retry_at = monotonic() + RETRY
        select.select([self._wake], [], [], max(0.0, min(timeout, self._retry_at - monotonic())))
        return False

    def _drop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def stop(self) -> None:
        self._stopped = True
        with suppress(OSError):  # closed already
            self._waker.send(b"!")

    def close(self) -> None:
        self.stop()
        self._drop()
        self._wake.close()
        self._waker.close()
