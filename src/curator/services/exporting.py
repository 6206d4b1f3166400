"""Use case: export works as a .bib file, giving keys to works that have none, once and for all
(a quiet step of the history: undo takes the librarian's own last change, not the keys)."""

from __future__ import annotations

import errno
import logging
import os
import stat
import sys
import tempfile
import time
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple, TextIO

from sqlmodel import Session

from curator import __version__
from curator.domain.catalog import WorkView
from curator.domain.errors import CuratorError
from curator.domain.progress import Progress, drain
from curator.domain.report import counted
from curator.events import log
from curator.events.works import GiveKeys, KeysPayload
from curator.export.bibtex import ExportOptions, Gap, gaps, to_bibtex
from curator.export.keys import key_base, unique_key
from curator.store import queries
from curator.store.catalog import Catalog
from curator.store.writes import set_citation_keys

if sys.platform != "win32":
    import fcntl

CHUNK = 5000  # works written between two progress reports
# An unlocked, empty temporary file this old was left by an export killed before it wrote a
# byte (a younger one may be an export that has made it and not yet locked it).
STALE_AFTER = 3600.0  # seconds
_TEMP_SUFFIX = ".tmp"
_TEMP_MIDDLE = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")  # what mkstemp puts there
_TEMP_MIDDLE_LEN = 8

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class ExportPlan:
    """What an export would write: the works (ids, in order) and those missing needed fields.
    The works themselves are read a chunk at a time when written: a million do not fit."""

    ids: list[int]
    gaps: list[Gap] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path | None  # None: the text is in `text`
    n_entries: int
    new_keys: dict[int, str]  # keys given to works that had none
    text: str = ""


def plan(
    catalog: Catalog, ids: Sequence[int] | None = None, search: str | None = None
) -> ExportPlan:
    """The works to export: `ids` (in catalog order), or those matching `search`, or all."""
    with catalog.read() as s:
        if ids is not None:
            known = set(queries.work_ids(s, None))
            missing = sorted(set(ids) - known)
            if missing:
                listed = ", ".join(map(str, missing[:10])) + (" …" if len(missing) > 10 else "")
                raise CuratorError(f"no work with id {listed} ({len(missing):,} in all)")
            chosen = sorted(set(ids))
        else:
            chosen = queries.work_ids(s, search or None)
        found: list[Gap] = []
        for start in range(0, len(chosen), CHUNK):
            found += gaps(queries.work_views(s, chosen[start : start + CHUNK]))
    return ExportPlan(chosen, found)


def export_bibtex(
    catalog: Catalog, export: ExportPlan, path: Path | str | None, options: ExportOptions
) -> Generator[Progress, None, ExportResult]:
    """Write the plan's works to `path` atomically (or return the text), yielding progress;
    works are read and written a chunk at a time, so a million take little memory.

    Works without a citation key get one first, saved in the catalog, so the next export uses
    the same keys: one quiet step, which undo passes over (an export is not an edit; the
    history undoes it on its own). Nothing is saved if the file cannot be written.
    """
    path = Path(path) if path is not None else None
    target = check_target(path) if path else None  # before a key is chosen or a byte written
    name = path.name if path else "the output"
    total = len(export.ids)
    yield Progress(0, total, "Choosing citation keys")
    parts: list[str] = []
    with catalog.write() as s, atomic_file(target) if target else nullcontext(None) as out:
        keys = _Keys(s)
        emit = out.write if out else parts.append
        emit(header(catalog, total, options))
        for start in range(0, total, CHUNK):
            ids = export.ids[start : start + CHUNK]
            chunk = queries.work_views(s, ids, missing_ok=True)
            if len(chunk) < len(ids):
                raise CuratorError(
                    "some works of this export were merged or removed since it was planned "
                    "(an undo, a merge or an import ran meanwhile); export again"
                )
            text = to_bibtex(chunk, keys.of(s, chunk), options)
            if text:
                emit("\n" + text if out else text)
            if out:
                out.flush()  # what progress reports has reached the file
            yield Progress(min(start + CHUNK, total), total, f"Writing {name}")
        if keys.new:
            summary = f"Citation keys for {counted(len(keys.new), 'work')}, exported to {name}"
            log.record(s, GiveKeys(KeysPayload(keys=keys.new)), summary)
    # No progress after the file is written: a Cancel then would report nothing written.
    return ExportResult(path, total, keys.new, "\n".join(parts))


def run_to_end(gen: Generator[Progress, None, ExportResult]) -> ExportResult:
    """Drive an export without showing progress (command line, tests)."""
    return drain(gen)


class _Keys:
    """Every work's key as stored now (not as when the plan was made), and a readable unique
    key (ignoring case, as BibTeX does) for each work without one, saved as it is given."""

    def __init__(self, s: Session) -> None:
        self.taken = {k.casefold() for k in queries.keys_by_work(s).values() if k}
        self.taken |= queries.alias_keys(s).keys()
        self.tried: dict[str, int] = {}
        self.new: dict[int, str] = {}

    def of(self, s: Session, works: list[WorkView]) -> dict[int, str]:
        given: dict[int, str] = {}
        for work in works:
            if work.citation_key:
                continue
            key = unique_key(key_base(work.authors, work.year, work.title), self.taken, self.tried)
            self.taken.add(key.casefold())
            given[work.id] = key
        set_citation_keys(s, given)
        self.new.update(given)
        return {w.id: w.citation_key or given[w.id] for w in works}


def header(catalog: Catalog, total: int, options: ExportOptions) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    charset = "UTF-8 (for biber, or bibtex with a UTF-8 document)"
    if options.charset.value == "latex":
        charset = "LaTeX escapes for non-ASCII letters (classic bibtex)"
    lines = [
        f"Exported by curator {__version__} from {catalog.name} on {when}",
        # digits only: scripts read this count (`% 1234 entries;`)
        f"{total} {'entry' if total == 1 else 'entries'}; characters: {charset}",
    ]
    return "\n".join(f"% {line}" for line in lines) + "\n"


class Target(NamedTuple):
    """The file an export replaces (a symlink followed) and the permissions it is written with."""

    path: Path
    mode: int


def check_target(path: Path | str) -> Target:
    """The file an export to `path` writes, or a CuratorError in words when it must not be
    replaced: a folder, a device, a pipe or a socket (a rename would put a file in its place,
    even over /dev/null as root), or a read-only file. A new path or a regular file is fine;
    a symlink is followed (its file is replaced, the link kept); a link to a device is refused.
    """
    path = Path(path)
    try:
        info = os.stat(path)  # follows links as the kernel does (/dev/stdout -> a pipe)
    except FileNotFoundError:
        new = Target(path.resolve(), 0o644)  # a new file, readable by others like an editor's
        _refuse_folder(new.path, existing=False)
        return new
    except OSError as exc:
        raise CuratorError(f"{path}: cannot be written ({exc.strerror})") from exc
    real = path.resolve()
    _refuse_special(path, real, info.st_mode)
    if not os.access(real, os.W_OK):
        raise CuratorError(f"{path}: the file is read-only; choose another name")
    _refuse_folder(real, existing=True)
    return Target(real, info.st_mode & 0o777)


def _refuse_folder(path: Path, existing: bool) -> None:
    """A CuratorError unless the folder of `path` takes a new file, as the export's temporary
    file beside it will be: tried with an empty one of that naming, removed at once (a killed
    try is a leftover the next export removes). /proc, a read-only disk, a folder one may not
    write: each said so before a key is given or a byte written; for an `existing` file
    (writable itself), why its folder matters."""
    folder = path.parent
    if not folder.is_dir():
        raise CuratorError(f"{folder}: no such folder")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=_TEMP_SUFFIX, dir=folder)
    except OSError as exc:
        why = {
            errno.EROFS: "a read-only file system",
            errno.EACCES: "permission denied",
            errno.EPERM: "not permitted",
            errno.ENOENT: "a special file system that holds no files",  # /proc, /sys
        }.get(exc.errno or 0, exc.strerror)
        if existing:
            raise CuratorError(
                f"{path}: cannot be replaced: its folder {folder} takes no new file ({why}), "
                "and an export writes the new file beside the old one before swapping them "
                "(so a failure never leaves half a file); choose another folder"
            ) from exc
        raise CuratorError(f"{folder}: cannot write there ({why}); choose another folder") from exc
    os.close(fd)
    os.unlink(tmp)


def _refuse_special(path: Path, real: Path, mode: int) -> None:
    """A CuratorError naming what `path` is when it is not a regular file."""
    if stat.S_ISREG(mode):
        return
    kind = "something other than a file"
    if stat.S_ISDIR(mode):
        kind = "a folder"
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        kind = "a device"
    elif stat.S_ISFIFO(mode):
        kind = "a pipe (FIFO)"
    elif stat.S_ISSOCK(mode):
        kind = "a socket"
    what = f"links to {real}, {kind}" if path.is_symlink() else f"is {kind}"
    raise CuratorError(f"{path} {what}, not a file; choose a file name for the export")


@contextmanager
def atomic_file(target: Target) -> Iterator[TextIO]:
    """A temporary file beside the target, renamed over it when the block ends well and removed
    when it does not (a failure, a cancel): readers see the old file or the new, never a mix.

    The data is fsynced before the rename and the folder after it, so an export reported done
    survives a power cut. The temporary file is locked while written, so that the next export
    can tell a killed export's leftovers (removed) from another window's export (kept).
    """
    path = target.path
    _remove_stale_temps(path)
    fd, tmp = _make_temp(path)
    try:
        _lock(fd)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
            os.chmod(tmp, target.mode)
            if sys.platform == "win32":
                out.close()  # an open file cannot be renamed there (nor is it locked)
            _refuse_special(path, path, _mode_now(path))  # replaced since it was checked?
            os.replace(tmp, path)  # still locked: no other export takes it for a leftover
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise CuratorError(f"{path}: cannot be written ({exc.strerror})") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_folder(path)


def _make_temp(path: Path) -> tuple[int, str]:
    try:
        return tempfile.mkstemp(prefix=f".{path.name}.", suffix=_TEMP_SUFFIX, dir=path.parent)
    except FileNotFoundError as exc:
        raise CuratorError(f"{path.parent}: no such folder") from exc
    except PermissionError as exc:
        raise CuratorError(f"{path.parent}: permission denied; choose another folder") from exc
    except OSError as exc:
        raise CuratorError(f"{path}: cannot be written ({exc.strerror})") from exc


def _mode_now(path: Path) -> int:
    try:
        return os.stat(path).st_mode
    except FileNotFoundError:
        return stat.S_IFREG  # still a new file


def _sync_folder(path: Path) -> None:
    """fsync the folder that holds `path`, so the rename itself is on disk."""
    if sys.platform == "win32":
        return  # a folder cannot be opened there; NTFS journals the rename
    try:
        fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:  # a folder one may write but not read (mode 0o300): the file is synced
        logger.debug("cannot open %s to sync it", path.parent, exc_info=True)
        return
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):  # a filesystem that cannot
            raise CuratorError(
                f"{path}: written, but not confirmed on disk ({exc.strerror}); "
                "check the disk and export again"
            ) from exc
    finally:
        os.close(fd)


def _lock(fd: int) -> None:
    """Mark a temporary file as being written, until this process ends or lets go of it."""
    if sys.platform == "win32":
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # waits only while another export looks at it
    except OSError:  # a filesystem without locks: leftovers are then told by age alone
        logger.debug("no lock on a temporary file (fd %d)", fd, exc_info=True)


def _remove_stale_temps(path: Path) -> None:
    """Remove what killed exports to `path` left beside it: files of exactly our naming
    (`.NAME.` + mkstemp's 8 characters + `.tmp`) whose writer is gone. Never one another live
    export is writing (it holds its lock); never fails the export (a leftover may stay)."""
    prefix = f".{path.name}."
    try:
        with os.scandir(path.parent) as entries:
            ours = [e.path for e in entries if _is_our_temp(e.name, prefix)]
    except OSError:
        return  # no such folder, or not readable: the export itself says so
    for name in ours:
        try:
            _remove_if_stale(name)
        except OSError:
            logger.debug("left %s", name, exc_info=True)


def _is_our_temp(name: str, prefix: str) -> bool:
    middle = name[len(prefix) : -len(_TEMP_SUFFIX)]
    return (
        name.startswith(prefix)
        and name.endswith(_TEMP_SUFFIX)
        and len(name) == len(prefix) + _TEMP_MIDDLE_LEN + len(_TEMP_SUFFIX)
        and set(middle) <= _TEMP_MIDDLE
    )


def _remove_if_stale(name: str) -> None:
    if not stat.S_ISREG(os.lstat(name).st_mode):
        return  # never open a device or a pipe that happens to bear the name
    fd = os.open(name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        info = os.fstat(fd)
        # Still that file (not renamed meanwhile), and its writer gone: removed.
        if (
            stat.S_ISREG(info.st_mode)
            and _writer_gone(fd, info)
            and os.lstat(name).st_ino == info.st_ino
        ):
            os.unlink(name)
            logger.info("removed %s, left by an export that did not finish", name)
    finally:
        os.close(fd)  # lets go of the lock


def _writer_gone(fd: int, info: os.stat_result) -> bool:
    """Whether the export that made this temporary file is gone: its lock is free (the lock
    goes with the process, kill -9 included), and it holds data or is old (a writer locks its
    file right after making it, before writing; an empty young one may not be locked yet)."""
    old = time.time() - info.st_mtime > STALE_AFTER
    if sys.platform == "win32":
        return old  # no advisory locks there; an open file cannot be removed anyway
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False  # a live export is writing it
    except OSError:
        return old  # a filesystem without locks: age alone
    return info.st_size > 0 or old
