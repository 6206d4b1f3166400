"""Copies of a catalog file: made with SQLite's online backup, checked, rotated and restored.

A backup is a whole catalog, consistent even while another program writes (the backup API
copies one snapshot), written under a temporary name, checked with `quick_check`, flushed to
disk and only then given its name: a backup listed is a backup that opens. Its name says when
and why it was made (`20261203T141000Z-before-import.sqlite`), so listing needs no index.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from collections.abc import Collection, Iterable
from contextlib import closing, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

from curator.domain.errors import CuratorError, DamagedCatalogError
from curator.store import faults

DAILY = "daily"  # the reason of the backup made when a catalog is opened, once a day
MANUAL = "manual"  # made by the librarian: never rotated away
KEEP_DAILY = 7  # the newest daily backups kept
KEEP_WEEKLY = 4  # then the newest of each week, for this many weeks
KEEP_STEPS = 10  # backups made before bulk steps, restores, migrations

_NAME = re.compile(r"^(\d{8}T\d{6}(?:\.\d{6})?Z)-([a-z0-9._-]+)\.sqlite$")
_STAMP = "%Y%m%dT%H%M%S.%fZ"


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    made: datetime  # UTC
    reason: str  # "daily", "manual", "before import", ...
    size: int  # bytes

    @property
    def label(self) -> str:
        """When and why, in the librarian's local time: "3 Dec 2026 14:10, before import"."""
        local = self.made.astimezone()
        return f"{local.day} {local:%b %Y %H:%M}, {self.reason}"


def listing(folder: Path) -> list[Backup]:
    """The backups in `folder`, newest first (files of other names are not ours: ignored)."""
    found = []
    for path in folder.glob("*.sqlite") if folder.is_dir() else ():
        match = _NAME.match(path.name)
        if match is None:
            continue
        stamp = match[1] if "." in match[1] else match[1].replace("Z", ".000000Z")
        try:
            made = datetime.strptime(stamp, _STAMP).replace(tzinfo=UTC)
        except ValueError:  # our pattern, not a real time ("20261340T…"): not ours either
            continue
        found.append(Backup(path, made, match[2].replace("-", " "), path.stat().st_size))
    found.sort(key=lambda b: b.made, reverse=True)
    return found


def make(
    catalog: Path,
    folder: Path,
    reason: str,
    now: datetime | None = None,
    keep: Collection[Path] = (),
) -> Backup:
    """A checked copy of the catalog at `catalog` in `folder`, then the old ones rotated
    (never those in `keep`: the backup a restore is about to read)."""
    now = now or datetime.now(UTC)
    partial = snapshot(catalog, folder)
    return finish(partial, folder, reason, now, keep)


def snapshot(catalog: Path, folder: Path) -> Path:
    """The copy itself, under a temporary name: `finish` checks, names and rotates it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(folder)
        partial = folder / f".{datetime.now(UTC).strftime(_STAMP)}.partial"
        _copy(catalog, partial)
    except sqlite3.DatabaseError as exc:
        raise _fault(catalog, folder, exc) from exc
    except OSError as exc:
        raise _folder_fault(folder, exc) from exc
    return partial


def finish(
    partial: Path, folder: Path, reason: str, now: datetime, keep: Collection[Path] = ()
) -> Backup:
    """Check the copy, give it its name (when and why), flush it, rotate the old ones."""
    slug = re.sub(r"[^a-z0-9._]+", "-", reason.lower()).strip("-.")[:60] or MANUAL
    target = folder / f"{now.strftime(_STAMP)}-{slug}.sqlite"
    try:
        problem = quick_check(partial)
        if problem:
            raise CuratorError(
                f"the backup did not pass SQLite's check ({problem}); the catalog may be "
                "damaged: run `curator check`"
            )
        os.replace(partial, target)
        sync_folder(folder)
    except OSError as exc:
        raise _folder_fault(folder, exc) from exc
    finally:
        with suppress(OSError):
            partial.unlink(missing_ok=True)
            Path(f"{partial}-journal").unlink(missing_ok=True)
    made = Backup(target, now, slug.replace("-", " "), target.stat().st_size)
    rotate(folder, keep)
    return made


def _fault(catalog: Path, folder: Path, exc: sqlite3.DatabaseError) -> CuratorError:
    """A failed copy: the catalog damaged or unreadable, or the backups folder at fault."""
    message = str(exc).lower()
    if "full" in message or "readonly" in message or "read-only" in message:
        return _folder_fault(folder, OSError(str(exc)))
    return faults.plain(catalog, str(exc)) or CuratorError(f"cannot back up {catalog}: {exc}")


def _folder_fault(folder: Path, exc: OSError) -> CuratorError:
    why = exc.strerror or str(exc)
    return CuratorError(
        f"cannot write a backup in {folder} ({why}); the catalog itself is unchanged. Free "
        "some space there or make the folder writable."
    )


STALE_AFTER = timedelta(hours=1)  # a partial copy this old was left by a killed backup


def _remove_leftovers(folder: Path) -> None:
    """Partial copies of killed backups (hours old: a backup running now is younger)."""
    cutoff = datetime.now(UTC) - STALE_AFTER
    for path in folder.glob(".*.partial*"):
        with suppress(OSError):
            if datetime.fromtimestamp(path.stat().st_mtime, UTC) < cutoff:
                path.unlink()


def copy_raw(catalog: Path, folder: Path, reason: str) -> Path:
    """The catalog's bytes as they are (a damaged catalog the backup API cannot read), so
    replacing it loses nothing; not listed among the backups (it would not open as one).
    Written under a temporary name and flushed first: a copy cut short is never kept."""
    stamp = datetime.now(UTC).strftime(_STAMP)
    target = folder / f"{stamp}-{reason}.damaged"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal"):
            source = Path(f"{catalog}{suffix}")
            if source.exists():
                partial = Path(f"{target}{suffix}.partial")
                shutil.copyfile(source, partial)
                with open(partial, "rb") as f:
                    os.fsync(f.fileno())
                os.replace(partial, f"{target}{suffix}")
        sync_folder(folder)
    except OSError as exc:
        for leftover in folder.glob(f"{target.name}*"):
            with suppress(OSError):
                leftover.unlink()
        raise _folder_fault(folder, exc) from exc
    return target


def _copy(source: Path, target: Path) -> None:
    """SQLite's online backup, in one step (one consistent snapshot), flushed to disk."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside
    finally:
        dst.close()
        src.close()
    with open(target, "rb") as f:
        os.fsync(f.fileno())


def quick_check(path: Path) -> str | None:
    """What SQLite's `quick_check` finds wrong with the file, or None when it is sound."""
    return _problems(path, "quick_check")


def integrity_check(path: Path) -> str | None:
    """The full check: also every index against its table (slower than `quick_check`)."""
    return _problems(path, "integrity_check")


def _problems(path: Path, pragma: str) -> str | None:
    """What the check finds; a file that cannot be read at all for another reason (a full
    disk, a missing file) is a CuratorError saying so, not a damaged catalog."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        try:
            rows = [row[0] for row in conn.execute(f"PRAGMA {pragma}(20)")]
            if pragma == "integrity_check" and rows == ["ok"]:
                found = conn.execute("PRAGMA foreign_key_check").fetchmany(20)
                rows = [f"broken reference in {r[0]}" for r in found] or ["ok"]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        fault = faults.plain(path, str(exc))
        if isinstance(fault, DamagedCatalogError):
            return fault.problem
        raise fault or CuratorError(f"cannot check {path}: {exc}") from exc
    if rows == ["ok"]:
        return None
    said = "; ".join(" ".join(str(r).split()) for r in rows)  # SQLite's rows span lines
    return said if len(said) <= 300 else said[:297] + "…"


class Changed(Exception):
    """The catalog was written after its snapshot was taken: take it again."""


def check_restorable(backup: Path) -> None:
    """A backup is restored only if it is sound and a curator catalog."""
    problem = quick_check(backup)
    if problem:
        raise CuratorError(f"{backup.name} is not a sound catalog ({problem}); choose another")
    try:
        with closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as conn:
            found = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'")
            version = found.fetchone()
    except sqlite3.DatabaseError:
        version = None
    if version is None:
        raise CuratorError(f"{backup} is not a curator catalog; choose one of its backups")


def last_event(path: Path) -> int | None:
    """The newest event's id: every change to a catalog adds one, so an unchanged id says
    nothing was written in between."""
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)) as conn:
        return cast(int | None, conn.execute("SELECT max(id) FROM event").fetchone()[0])


def restore(backup: Path, catalog: Path, expect: int | None = None) -> None:
    """Make the catalog at `catalog` a copy of `backup` (checked by `check_restorable`).

    Into a catalog SQLite can still open, the copy goes through the backup API, one write
    transaction that other programs with the catalog open see like any other change; with
    `expect`, only if the catalog's newest event is still that one (else `Changed`: the
    snapshot taken before would miss a change). A file too damaged for that is replaced
    whole (its write-ahead log removed with it)."""
    try:
        with (
            closing(sqlite3.connect(f"file:{backup}?mode=ro", uri=True)) as src,
            closing(sqlite3.connect(catalog, timeout=30, isolation_level=None)) as dst,
        ):
            if expect is not None:
                dst.execute("BEGIN IMMEDIATE")
                newest = dst.execute("SELECT max(id) FROM event").fetchone()[0]
                dst.execute("ROLLBACK")
                if newest != expect:
                    raise Changed
            src.backup(dst)
            return
    except sqlite3.DatabaseError as exc:
        message = str(exc).lower()
        if "malformed" not in message and "not a database" not in message:
            raise faults.plain(catalog, str(exc)) or CuratorError(
                f"cannot restore {catalog}: {exc}"
            ) from exc
    try:  # damaged beyond what the backup API can write into
        _replace(backup, catalog)
    except OSError as exc:
        raise CuratorError(f"cannot replace {catalog}: {exc.strerror}") from exc


def _replace(backup: Path, catalog: Path) -> None:
    fresh = catalog.with_name(f".{catalog.name}.restoring")
    try:
        shutil.copyfile(backup, fresh)
        with open(fresh, "rb") as f:
            os.fsync(f.fileno())
        for suffix in ("-wal", "-shm"):
            Path(f"{catalog}{suffix}").unlink(missing_ok=True)
        os.replace(fresh, catalog)
        sync_folder(catalog.parent)
    finally:
        fresh.unlink(missing_ok=True)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries, so a file just renamed into it survives a power cut."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def rotate(folder: Path, keep: Collection[Path] = ()) -> list[Path]:
    """Remove the backups the policy no longer keeps (never those in `keep`); returns them."""
    backups = listing(folder)
    kept = set(_kept(backups)) | {Path(p) for p in keep}
    gone = [b.path for b in backups if b.path not in kept]
    for path in gone:
        with suppress(OSError):
            path.unlink(missing_ok=True)
    return gone


def _kept(backups: Iterable[Backup]) -> Iterable[Path]:
    """The newest KEEP_DAILY daily backups, then the newest of each of KEEP_WEEKLY weeks
    before them; the newest KEEP_STEPS others; every manual one."""
    daily = [b for b in backups if b.reason == DAILY]  # newest first
    steps = [b for b in backups if b.reason not in (DAILY, MANUAL)]
    yield from (b.path for b in backups if b.reason == MANUAL)
    yield from (b.path for b in daily[:KEEP_DAILY])
    yield from (b.path for b in steps[:KEEP_STEPS])
    weeks: set[tuple[int, int]] = set()
    for b in daily[KEEP_DAILY:]:
        week = b.made.isocalendar()[:2]
        if week not in weeks and len(weeks) < KEEP_WEEKLY:
            weeks.add(week)
            yield b.path


def due(folder: Path, now: datetime | None = None) -> bool:
    """Whether the catalog's daily backup is due: none made yet on this (local) day."""
    now = now or datetime.now(UTC)
    last = next((b for b in listing(folder) if b.reason == DAILY), None)
    return last is None or last.made.astimezone().date() != now.astimezone().date()
