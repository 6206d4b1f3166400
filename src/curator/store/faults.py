"""Storage faults in plain words: what SQLite or the disk reports, as a librarian can act on."""

from __future__ import annotations

import os
from pathlib import Path

from curator.domain.errors import CuratorError, DamagedCatalogError


def plain(path: Path, message: str) -> CuratorError | None:
    """SQLite's message as one a librarian can act on; None for an error that is a bug."""
    message = message.lower()
    if "malformed" in message or "corrupt" in message:
        return DamagedCatalogError(path, message)
    if "not a database" in message:
        return CuratorError(f"{path} is not a curator catalog (not an SQLite file).")
    if "locked" in message or "busy" in message:
        return CuratorError(
            f"{path} is busy: another program is writing to it. Try again in a moment."
        )
    if "readonly" in message or "read-only" in message:
        return CuratorError(f"{path} is read-only; choose a catalog you can write to.")
    if "is full" in message:
        return CuratorError(f"the disk holding {path} is full; free some space and try again.")
    if "disk i/o error" in message or "i/o" in message:
        return CuratorError(
            f"could not read or write {path}: the disk reported an error (full, removed or "
            "failing?). Nothing was changed; free some space or check the disk, then try again."
        )
    if _on_read_only_disk(path):
        return CuratorError(
            f"{path} is on a read-only disk: a catalog needs to write beside itself, even to "
            "be read. Copy it to a folder you can write to, or remount the disk read-write."
        )
    if "unable to open" in message or "cannot open" in message:
        return CuratorError(f"cannot open {path}; check the path and permissions.")
    if "out of memory" in message:
        return CuratorError(f"not enough memory to work on {path}; close other programs.")
    return None


def _on_read_only_disk(path: Path) -> bool:
    try:
        return bool(os.statvfs(Path(path).absolute().parent).f_flag & os.ST_RDONLY)
    except OSError:
        return False


# SQLSTATE classes and codes of a PostgreSQL server's errors a user can act on.
_LOGIN = ("28000", "28P01")  # invalid authorization, password failed (role missing: 28000)
_NO_DATABASE = "3D000"
_DISK_FULL = "53100"
_BUSY = ("55P03", "40P01")  # lock not available (our write lock's wait), deadlock
_TOO_MANY = ("53300",)
_FORBIDDEN = "42501"
_READ_ONLY = "25006"  # a standby: read-only transactions only
_GOING_AWAY = ("57P01", "57P02", "57P03")  # admin or crash shutdown, cannot connect now


def server(location: str, exc: BaseException) -> CuratorError | None:
    """A PostgreSQL server's error (through SQLAlchemy or psycopg) as one a librarian can act
    on; None for an error that is a bug. `location` is shown without its password."""
    orig = getattr(exc, "orig", None) or exc
    state = str(getattr(orig, "sqlstate", None) or "")
    said = " ".join(str(orig).split())
    message = said.lower()
    if (
        state in _LOGIN
        or "authentication failed" in message
        or ("role" in message and "does not exist" in message)
    ):
        return CuratorError(
            f"the server of {location} refused the login ({_detail(said)}); check the user "
            "name and the password (~/.pgpass or PGPASSWORD)."
        )
    if "pg_hba.conf" in message:
        return CuratorError(
            f"the server of {location} does not accept this user from this machine "
            "(no pg_hba.conf entry); ask its administrator."
        )
    if state == _NO_DATABASE or ("database" in message and "does not exist" in message):
        return CuratorError(
            f"{location}: the server has no such database; create it first (createdb) and "
            "give curator a database of its own."
        )
    if state == _DISK_FULL or "no space left" in message:
        return CuratorError(
            f"the server of {location} has no disk space left; nothing was changed. Ask its "
            "administrator to free some, then try again."
        )
    if state in _BUSY or "lock timeout" in message:
        return CuratorError(
            f"{location} is busy: another program is writing to it. Try again in a moment."
        )
    if state in _TOO_MANY or "too many clients" in message:
        return CuratorError(
            f"the server of {location} has too many connections open; try again later."
        )
    if state == _FORBIDDEN:
        return CuratorError(
            f"{location}: the server does not let this user do that ({_detail(said)}); "
            "give curator a database it owns."
        )
    if state == _READ_ONLY:
        return CuratorError(
            f"{location} is read-only (a standby server); use the primary server's address."
        )
    if state in _GOING_AWAY or state.startswith("08") or _cannot_connect(message):
        return CuratorError(
            f"cannot connect to the server of {location} ({_detail(said)}); check that it "
            "is running and the address is right."
        )
    return None


def _cannot_connect(message: str) -> bool:
    return any(
        words in message
        for words in (
            "connection failed",
            "could not connect",
            "connection refused",
            "is the server running",
            "server closed the connection",
            "could not translate host name",
            "connection to server",
            "terminating connection",
        )
    )


def _detail(said: str) -> str:
    """The server's own words, without the driver's prefixes and its advice lines."""
    for noise in ("(psycopg.OperationalError)", "connection failed:"):
        said = said.replace(noise, "")
    said = said.split("(Background on this error")[0]
    return said.strip().rstrip(".")[:300]
