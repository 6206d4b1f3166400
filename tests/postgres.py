"""A real PostgreSQL server for the tests: one per test session, in a temporary folder, reached
only through a Unix socket in that folder; each test gets a database of its own, copied from a
template that already holds the catalog schema (CREATE DATABASE ... TEMPLATE: milliseconds).

The server is Debian's `postgresql` package (`scripts/ensure-postgres.sh` installs it). It is
made for speed, not safety (no fsync, no full-page writes): a test server's data dies with it.
PostgreSQL refuses to run as root, so under root its programs run as the `postgres` user.
Where the server cannot be started the tests that need it fail, with the server's own words.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg import sql

PREFIX = "curator-pg-"  # the temporary folders of test servers: <prefix><pid of pytest>-...
USER = "curator"  # the server's superuser, who owns every test database
TEMPLATE = "curator_template"  # a catalog at the current schema, copied for each test
# Fast and unsafe: a test server's data is thrown away with it.
SETTINGS = {
    "listen_addresses": "",  # no TCP at all: only the socket in the server's own folder
    "fsync": "off",
    "full_page_writes": "off",
    "synchronous_commit": "off",
    "max_connections": "200",
    "shared_buffers": "64MB",
    "max_locks_per_transaction": "256",
}


class ServerError(RuntimeError):
    """The test server could not be started; the message carries the server's log."""


def bin_dir() -> Path:
    """Where initdb and pg_ctl are: CURATOR_PG_BINDIR, else Debian's newest
    /usr/lib/postgresql/<version>/bin, else the PATH."""
    given = os.environ.get("CURATOR_PG_BINDIR")
    if given:
        return Path(given)
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise ServerError(
        "PostgreSQL's server programs (initdb, pg_ctl) were not found: install Debian's "
        "`postgresql` package (sh scripts/ensure-postgres.sh) or set CURATOR_PG_BINDIR"
    )


def _free_port() -> int:
    """A port number no local server uses: the socket file is named after it, and the
    server derives its shared-memory key from it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A throwaway PostgreSQL server: `start`, `new_database` per test, `stop`."""

    def __init__(self) -> None:
        self.bin = bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = _free_port()
        self.running = False
        self._count = 0
        self._admin: psycopg.Connection | None = None
        self._as_postgres = os.geteuid() == 0

    # --- running the server's programs ----------------------------------------------------

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise ServerError(
                f"{program} failed ({done.returncode}): {done.stderr.strip() or done.stdout}"
                f"{self._log_tail()}"
            )

    def _log_tail(self) -> str:
        try:
            return "\nserver log:\n" + self.log.read_text()[-3000:]
        except OSError:
            return ""

    def start(self) -> None:
        if self._as_postgres:
            try:
                entry = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise ServerError(
                    "running as root, and there is no `postgres` user to run the server as: "
                    "install Debian's `postgresql` package (sh scripts/ensure-postgres.sh)"
                ) from exc
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        self._run(
            "initdb", "-D", str(self.data), "-A", "trust", "-U", USER, "--no-sync",
            "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        options = " ".join(f"-c {k}={v!r}" if v == "" else f"-c {k}={v}" for k, v in
                           {**SETTINGS, "port": str(self.port)}.items())  # fmt: skip
        options += f" -k {self.root}"
        self.running = True  # from here on, `stop` must run even if the start fails
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w",
                  "start")  # fmt: skip
        atexit.register(self.stop)
        self._admin = psycopg.connect(self.dsn("postgres"), autocommit=True)

    def stop(self) -> None:
        """Stop the server (at once: its data is thrown away) and remove its folder."""
        if self._admin is not None:
            with contextlib.suppress(psycopg.Error):
                self._admin.close()
            self._admin = None
        if self.running:
            self.running = False
            with contextlib.suppress(ServerError):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    # --- databases ----------------------------------------------------------------------

    def url(self, database: str) -> str:
        """The catalog location curator is given for `database`."""
        return f"postgresql://{USER}@/{database}?host={self.root}&port={self.port}"

    def dsn(self, database: str) -> str:
        return f"dbname={database} user={USER} host={self.root} port={self.port}"

    def execute(self, statement: sql.Composable | str) -> None:
        assert self._admin is not None, "the server is not running"
        self._admin.execute(statement)

    def new_database(self, template: str | None = TEMPLATE, name: str | None = None) -> str:
        """A fresh database, a copy of `template` (None: an empty one, no curator schema)."""
        self._count += 1
        name = name or f"test_{self._count}"
        self.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                sql.Identifier(name), sql.Identifier(template or "template1")
            )
        )
        return name

    def drop_database(self, name: str) -> None:
        """Drop a test's database, ending connections a test left open."""
        self.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def stop_leftovers() -> None:
    """Stop the servers of earlier test sessions killed before they could stop them (their
    pytest is gone), and remove their folders. Only our own folders are looked at."""
    for folder in glob.glob(os.path.join(tempfile.gettempdir(), f"{PREFIX}*")):
        pid_text = Path(folder).name[len(PREFIX) :].split("-", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        pidfile = Path(folder) / "data" / "postmaster.pid"
        with contextlib.suppress(OSError, ValueError, ProcessLookupError, PermissionError):
            postmaster = int(pidfile.read_text().split()[0])
            if _is_postgres(postmaster, Path(folder) / "data"):
                os.kill(postmaster, signal.SIGQUIT)  # immediate shutdown
        shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_postgres(pid: int, data: Path) -> bool:
    """Whether `pid` is the postmaster of the data folder `data` (not a reused pid)."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return any(b"postgres" in part for part in command[:1]) and str(data).encode() in command


@contextlib.contextmanager
def running_server() -> Iterator[Server]:
    """A started server, stopped on leaving (a failure or an interrupt included)."""
    stop_leftovers()
    server = Server()
    try:
        server.start()
        yield server
    finally:
        server.stop()
