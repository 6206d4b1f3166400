"""Use case: export works as a .bib file, giving keys to works that have none, once and for all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from sqlmodel import Session

from curator import __version__
from curator.domain.catalog import WorkView
from curator.domain.errors import CuratorError
from curator.domain.progress import Progress, drain
from curator.events import log
from curator.events.works import GiveKeys, KeysPayload
from curator.export.bibtex import ExportOptions, Gap, gaps, to_bibtex
from curator.export.keys import key_base, unique_key
from curator.store import queries
from curator.store.catalog import Catalog
from curator.store.writes import set_citation_keys

CHUNK = 5000  # works written between two progress reports


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

    Works without a citation key get one first, saved in the catalog (one undoable step), so the
    next export uses the same keys. Nothing is saved if the file cannot be written.
    """
    path = Path(path) if path is not None else None
    name = path.name if path else "the output"
    total = len(export.ids)
    yield Progress(0, total, "Choosing citation keys")
    parts: list[str] = []
    with catalog.write() as s, _atomic_file(path) if path else nullcontext(None) as out:
        keys = _Keys(s)
        emit = out.write if out else parts.append
        emit(_header(catalog, total, options))
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
            yield Progress(min(start + CHUNK, total), total, f"Writing {name}")
        if keys.new:
            summary = f"Citation keys for {len(keys.new)} work(s), exported to {name}"
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


def _header(catalog: Catalog, total: int, options: ExportOptions) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    charset = "UTF-8 (for biber, or bibtex with a UTF-8 document)"
    if options.charset.value == "latex":
        charset = "LaTeX escapes for non-ASCII letters (classic bibtex)"
    lines = [
        f"Exported by curator {__version__} from {catalog.path.name} on {when}",
        f"{total} entries; characters: {charset}",
    ]
    return "\n".join(f"% {line}" for line in lines) + "\n"


@contextmanager
def _atomic_file(path: Path) -> Iterator[TextIO]:
    """A temporary file beside `path`, renamed over `path` when the block ends well and
    removed when it does not (a failure, a cancel).

    A symlink is followed (the file it points at is replaced); the new file keeps the old one's
    permissions; a read-only file is refused rather than replaced.
    """
    path = path.resolve()
    mode = 0o644  # a new file: readable by others, as a text editor would write it
    if path.exists() and not path.is_dir():
        if not os.access(path, os.W_OK):
            raise CuratorError(f"{path}: the file is read-only; choose another name")
        mode = path.stat().st_mode & 0o777
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except FileNotFoundError as exc:
        raise CuratorError(f"{path.parent}: no such folder") from exc
    except PermissionError as exc:
        raise CuratorError(f"{path.parent}: permission denied; choose another folder") from exc
    except OSError as exc:
        raise CuratorError(f"{path}: cannot be written ({exc.strerror})") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            yield out
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise CuratorError(f"{path}: cannot be written ({exc.strerror})") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
