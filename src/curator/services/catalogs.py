"""Which catalog file to open (--db, then CURATOR_DB, then the user's data folder), where its
backups and the log go, and opening it checked and backed up."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from platformdirs import user_data_path, user_log_path

from curator.domain.errors import CuratorError, DamagedCatalogError
from curator.store import backups, eventlog, server
from curator.store.backups import DAILY
from curator.store.catalog import QUICK_CHECK_UP_TO, Catalog, open_catalog, refuse_non_file
from curator.store.schema import SCHEMA_VERSION  # every open catalog's: opening upgrades one

__all__ = [
    "SCHEMA_VERSION",
    "Catalog",
    "Create",
    "NoCatalogError",
    "default_catalog_path",
    "folder_of",
    "is_server_location",
    "log_file_path",
    "open_default",
    "refuse_non_file",
    "server_address",
    "server_name",
    "shown",
]

APP_NAME = "curator"

# What opening a catalog that is not there may make: its folders and the file (the window, the
# default location), only the file in a folder that exists, or nothing (a mistyped path must
# not become a new, empty catalog).
Create = Literal["folders", "file", "nothing"]


class NoCatalogError(CuratorError):
    """A catalog named by its path that is not there, and that was not to be made."""

    def __init__(self, path: Path, folder_missing: bool) -> None:
        where = f": there is no folder {path.parent}" if folder_missing else ""
        super().__init__(f"no catalog at {path}{where}")
        self.path = path
        self.folder_missing = folder_missing


def default_catalog_path() -> Path:
    env = os.environ.get("CURATOR_DB")
    if env:
        return Path(env).expanduser()
    return user_data_path(APP_NAME, appauthor=False) / "catalog.sqlite"


def is_server_location(location: Path | str) -> bool:
    """A `postgresql://` address rather than a file's path."""
    return isinstance(location, str) and server.is_server_location(location)


def server_address(address: str, password: str = "") -> str:
    """The address to open a server catalog at, as typed (postgresql://user@host/database),
    with `password` if one is given; an address curator cannot use is a CuratorError that
    says how to write one (and never shows a password)."""
    address = address.strip()
    if not server.is_server_location(address):
        raise CuratorError(
            "a server catalog's address starts with postgresql://: write it as "
            "postgresql://user@host:port/database"
        )
    url = server.url_of(address)
    if password:
        url = url.set(password=password)
    return url.render_as_string(hide_password=False)


def shown(location: Path | str) -> str:
    """A catalog's location as the user may see it: a server's address without password."""
    if isinstance(location, str) and is_server_location(location):
        return server.hide_password(location)
    return str(location)


def server_name(location: str) -> str:
    """The database a server address names (what a menu calls the catalog)."""
    return server.database_name(server.url_of(location))


def sample_catalog_path() -> Path:
    return user_data_path(APP_NAME, appauthor=False) / "sample-catalog.sqlite"


def folder_of(path: Path) -> Path:
    """Where the backups of the catalog at `path` go: in the user's data folder (so a catalog
    on a USB stick or a network share has its copies on this machine), named after the file
    and told apart from other catalogs of the same name by a hash of its full path."""
    path = Path(path).expanduser().resolve()
    digest = hashlib.sha256(str(path).encode()).hexdigest()[:10]
    return user_data_path(APP_NAME, appauthor=False) / "backups" / f"{path.stem}-{digest}"


def open_default(
    path: Path | str | None = None,
    daily: bool = True,
    warn: Callable[[str], None] | None = None,
    *,
    create: Create = "folders",
) -> Catalog:
    """Open a catalog the way the window and the command line do: checked, backed up before
    a schema upgrade, its daily backup made when due (which checks a catalog too large to
    check every time; the window makes it in the background: `daily=False`). A damaged
    catalog comes back read-only (`catalog.damaged` says why). A daily backup that cannot be
    written (its folder full) does not stop the work: `warn` is told. A catalog that is not
    there is made as `create` allows, else a NoCatalogError."""
    named = path or os.environ.get("CURATOR_DB")
    if named and is_server_location(named):
        # A catalog on a database server: the server makes, checks and backs up its database.
        return open_catalog(str(named))
    path = Path(path) if path else default_catalog_path()
    _refuse_missing(path.expanduser(), create)
    if path.is_file() and path.stat().st_size == 0 and backups.listing(folder_of(path)):
        # a catalog emptied by a failing disk, not a new one: never made anew over it
        raise DamagedCatalogError(path, "the file is empty (0 bytes)")
    try:
        catalog = open_catalog(path, check=True, before_upgrade=_before_upgrade)
    except DamagedCatalogError:
        raise
    except CuratorError as exc:
        raise _damaged_if_it_was_a_catalog(path, exc) from exc
    if daily and catalog.damaged is None:
        try:
            daily_backup(catalog)
        except DamagedCatalogError:
            pass  # `catalog.damaged` is set: no write reaches it, reads go on
        except CuratorError as exc:
            if warn is not None:
                warn(f"the day's backup was not made: {exc}")
    return catalog


def _refuse_missing(path: Path, create: Create) -> None:
    if create == "folders":
        return
    try:
        if path.exists():
            return
        folder_missing = not path.parent.is_dir()
    except OSError:
        return  # not readable: opening it says what is wrong
    if create == "nothing" or folder_missing:
        raise NoCatalogError(path, folder_missing)


def _damaged_if_it_was_a_catalog(path: Path, exc: CuratorError) -> CuratorError:
    """A file that is not a database any more but has backups was a catalog: damaged (its
    header lost), with the way out, rather than "not a curator catalog"."""
    if "not a curator catalog" in str(exc) and backups.listing(folder_of(path)):
        return DamagedCatalogError(path, "the file is no longer an SQLite database")
    return exc


def _before_upgrade(path: Path, version: int) -> None:
    backups.make(path, folder_of(path), f"before upgrade from v{version}")


def daily_backup(catalog: Catalog) -> backups.Backup | None:
    """The daily backup, if none was made in the last day (and the catalog holds anything: a
    new one's first backup is made the first time it is opened with something in it). A
    catalog too large for the check on opening is checked here: a backup that fails its
    check marks the catalog damaged."""
    if catalog.is_server:
        return None  # its server's backups (pg_dump), not curator's
    folder = folder_of(catalog.path)
    if not catalog.path.exists() or not backups.due(folder):
        return None
    with catalog.read() as s:
        if eventlog.count(s) == 0:
            return None
    try:
        return backups.make(catalog.path, folder, DAILY)
    except CuratorError:
        problem = backups.quick_check(catalog.path)
        if problem and catalog.path.stat().st_size > QUICK_CHECK_UP_TO:
            catalog.damaged = problem
            raise DamagedCatalogError(catalog.path, problem) from None
        raise


def log_file_path() -> Path:
    """Where tracebacks of bugs go, for the command line and the window alike."""
    path = user_log_path(APP_NAME, appauthor=False) / "curator.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
