"""Use case: export what a damaged catalog still holds, the way out when no backup will do.

Nothing is written into the catalog (it is damaged: keys given to works without one are
written to the file only). Works whose rows cannot be read are listed, never guessed.
"""

from __future__ import annotations

from collections.abc import Generator
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from curator.domain.catalog import WorkView
from curator.domain.errors import CuratorError
from curator.domain.progress import Progress
from curator.domain.report import counted
from curator.export.bibtex import ExportOptions, to_bibtex
from curator.export.keys import key_base, unique_key
from curator.services.exporting import CHUNK, atomic_file, check_target, header
from curator.store.catalog import Catalog
from curator.store.salvage import readable_keys, readable_views, venues_readable


@dataclass(frozen=True, slots=True)
class SalvageResult:
    path: Path | None  # None: the text is in `text`
    n_entries: int
    lost: list[int] = field(default_factory=list)  # ids of works that could not be read
    text: str = ""
    venues_lost: bool = False  # the venue table could not be read: no journal or booktitle

    def describe_lost(self) -> str:
        """What is missing from the file, in words ("" when nothing is)."""
        said = []
        if self.lost:
            shown = ", ".join(map(str, self.lost[:20])) + (" …" if len(self.lost) > 20 else "")
            said.append(f"{counted(len(self.lost), 'work')} could not be read (ids {shown})")
        if self.venues_lost:
            said.append("the venues could not be read: no entry has its journal or booktitle")
        return "; ".join(said)


def export_readable(
    catalog: Catalog, path: Path | str | None, options: ExportOptions
) -> Generator[Progress, None, SalvageResult]:
    """Every work of the catalog that can still be read, as BibTeX, to `path` (atomically)
    or as text; yields progress."""
    if catalog.is_server:
        raise CuratorError(
            f"{catalog.location} is a catalog on a database server, never read around damaged "
            "pages: export it as any catalog (curator export)."
        )
    path = Path(path) if path is not None else None
    if path is not None and path.exists():  # never over an export made while it was sound
        raise CuratorError(
            f"{path} exists: a salvage writes a new file, so a good export is never replaced "
            "by what a damaged catalog still holds; choose another name"
        )
    target = check_target(path) if path else None
    parts: list[str] = []
    with catalog.read() as s:
        yield Progress(0, 1, "Finding the works that can be read")
        keys, lost = readable_keys(s)
        venues_lost = not venues_readable(s)
        taken = {k.casefold() for k in keys.values() if k}
        tried: dict[str, int] = {}
        ids = sorted(keys)
        written = 0
        with atomic_file(target) if target else nullcontext(None) as out:
            emit = out.write if out else parts.append
            emit(header(catalog, len(ids), options) + _note(catalog))
            for start in range(0, len(ids), CHUNK):
                views: list[WorkView] = []
                for found in readable_views(s, ids[start : start + CHUNK]):
                    if isinstance(found, int):
                        lost.append(found)
                    else:
                        views.append(found)
                given = {w.id: w.citation_key or _new_key(w, taken, tried) for w in views}
                emit("\n" + to_bibtex(views, given, options))
                written += len(views)
                yield Progress(min(start + CHUNK, len(ids)), len(ids), "Writing what can be read")
    lost.sort()
    return SalvageResult(path, written, lost, "".join(parts), venues_lost)


def _new_key(work: WorkView, taken: set[str], tried: dict[str, int]) -> str:
    key = unique_key(key_base(work.authors, work.year, work.title), taken, tried)
    taken.add(key.casefold())
    return key


def _note(catalog: Catalog) -> str:
    return (
        f"% Salvaged from a damaged catalog ({catalog.damaged}): only the works that could be "
        "read;\n% keys of works that had none were not saved in the catalog.\n"
    )
