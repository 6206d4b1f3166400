"""Backups of the librarian's catalogs: made before bulk steps and on demand, listed, restored.

The daily backup and the one before a schema upgrade are made when a catalog is opened
(`catalogs.open_default`); this module makes the others, before every bulk step (auto-merge,
accept-all venues, a large import, field recovery), and restores. `store.backups` rotates.
"""

from __future__ import annotations

from collections.abc import Generator
from datetime import UTC, datetime
from pathlib import Path

from curator.domain.errors import CuratorError, DamagedCatalogError
from curator.domain.progress import Progress
from curator.services.catalogs import Catalog, daily_backup, folder_of
from curator.store import backups as store
from curator.store.backups import MANUAL, Backup

__all__ = [
    "Backup",
    "before",
    "check",
    "daily",
    "find",
    "latest",
    "listing",
    "now",
    "restore",
    "restore_open",
]

# An import of files larger than this is backed up before (about 1,000 BibTeX entries).
LARGE_IMPORT = 1_000_000  # bytes


def before(catalog: Catalog, step: str) -> Backup | None:
    """A backup before a bulk step ("auto-merge"): the step may be undone too, but a backup
    also survives a later mistake in the event log itself. A catalog on a database server is
    backed up by its server (pg_dump, or its own schedule): None, and the step goes on."""
    if catalog.is_server:
        return None
    if catalog.damaged:
        raise DamagedCatalogError(catalog.path, catalog.damaged)
    return store.make(catalog.path, folder_of(catalog.path), f"before {step}")


def daily(catalog: Catalog) -> Generator[Progress, None, Backup | None]:
    """The day's backup if due, as a task (the window runs it in the background)."""
    yield Progress(0, 1, "Backing up the catalog")
    return None if catalog.is_server else daily_backup(catalog)


def now(catalog: Catalog) -> Backup:
    """A backup the librarian asked for: kept until they delete it."""
    _refuse_server(catalog, "backed up")
    return store.make(catalog.path, folder_of(catalog.path), MANUAL)


def listing(path: Path) -> list[Backup]:
    """The backups of the catalog at `path`, newest first."""
    return store.listing(folder_of(path))


def find(path: Path, name: str) -> Backup:
    """A backup of the catalog at `path` by its file name, or a path to a copy kept elsewhere
    (as `curator restore` is given it)."""
    wanted = Path(name).name
    for backup in store.listing(folder_of(path)):
        if backup.path.name == wanted:
            return backup
    candidate = Path(name).expanduser()
    if candidate.is_file():
        info = candidate.stat()
        made = datetime.fromtimestamp(info.st_mtime, UTC)
        return Backup(candidate.resolve(), made, "chosen file", info.st_size)
    raise CuratorError(f"no backup named {name}; `curator backups` lists them")


def latest(path: Path) -> Backup | None:
    """The newest backup of the catalog at `path`: the way out a damaged catalog offers."""
    found = store.listing(folder_of(path))
    return found[0] if found else None


def restore(path: Path, backup: Backup) -> Path | None:
    """Make the catalog at `path` a copy of `backup`, after keeping what it is now: a sound
    catalog as a backup ("before restore"), taken just before and checked unchanged at the
    moment of the restore; a damaged one as its raw bytes beside the backups. Returns where
    that copy went (None: there was no catalog). Works on a catalog too damaged to open; a
    window with the catalog open reopens it afterwards."""
    store.check_restorable(backup.path)
    folder = folder_of(path)
    if not path.exists():
        store.restore(backup.path, path)
        return None
    if not _sound(path):
        saved = store.copy_raw(path, folder, "before-restore")
        store.restore(backup.path, path)
        return saved
    for _ in range(RESTORE_TRIES):
        partial = store.snapshot(path, folder)
        try:
            store.restore(backup.path, path, expect=store.last_event(partial))
        except store.Changed:  # written meanwhile: the snapshot would miss that change
            partial.unlink(missing_ok=True)
            continue
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        now = datetime.now(UTC)
        return store.finish(partial, folder, "before restore", now, keep=[backup.path]).path
    raise CuratorError(f"{path} is being changed all the time; close other programs using it")


RESTORE_TRIES = 5  # snapshots taken while other programs keep writing, before giving up


def _sound(path: Path) -> bool:
    try:
        return path.stat().st_size > 0 and store.quick_check(path) is None
    except CuratorError:  # not a database any more, unreadable: damaged
        return False


def restore_open(catalog: Catalog, backup: Backup) -> Path | None:
    """`restore` a catalog that is open (the window's): its connections are made afresh
    and it is checked again, so what holds it sees the restored catalog, writable again."""
    _refuse_server(catalog, "restored")
    saved = restore(catalog.path, backup)
    catalog.reopen()
    return saved


def _refuse_server(catalog: Catalog, done: str) -> None:
    if catalog.is_server:
        raise CuratorError(
            f"{catalog.location} is a catalog on a database server: it is {done} by its "
            "server (pg_dump and pg_restore), not by curator."
        )


def check(path: Path) -> str | None:
    """The full check (`PRAGMA integrity_check` and foreign keys): None when sound."""
    return store.integrity_check(path)
