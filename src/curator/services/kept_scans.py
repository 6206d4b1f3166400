"""A full duplicate scan's result kept in the catalog with the catalog version it was computed
at, so that the next full scan of the same catalog, by any librarian and any program, reads it
instead of scanning again while nothing has changed.

A result is read back at the catalog version it was computed at, or at a later one when every
step logged since touched only what a scan never reads (the citation keys an export gave, a
venue suggestion turned down): any other change (an edit, an import, a merge, a decision, an
undo) makes the next full scan compute again.

A result is never patched with what changed since: a scan learns its weights from every
candidate pair of the catalog, weighs a title by how many works share it and picks its keys
by how rare words are in the whole catalog, so one change may move the score of any pair;
only a full scan gives what a full scan gives. (A scan of new works against the catalog, the
window's after an import, is such a partial scan; it is not kept.)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from sqlmodel import Session

from curator.domain.matching import Candidate
from curator.events.base import KEY_OF
from curator.events.since import since
from curator.matching import kept
from curator.matching.model import Model
from curator.store import scans
from curator.store.authors import author_of
from curator.store.catalog import Catalog

# What a step may touch and leave every scan as it was (`Command.touches`): citation keys (an
# export's), the key column of works, venue suggestions turned down. Anything else (works,
# their records, venues, decisions, or "everything") may change what a scan finds.
SCAN_NEUTRAL = frozenset({"key", KEY_OF, "rejection"})
LOOK_AHEAD = 1_000  # steps since a kept result read at most to tell it still holds


@dataclass(frozen=True, slots=True)
class ScanOrigin:
    """Whose kept scan a result was read from: "the scan made by bob at 10:42"."""

    by: str | None  # their name (login, or CURATOR_USER), None if not known
    at: datetime  # when it was made, UTC
    catalog_version: int  # the catalog version it was computed at
    own: bool = False  # made under the reader's own name

    def __str__(self) -> str:
        who = "you" if self.own else self.by or "someone"
        return f"the scan made by {who} at {self.at.astimezone().strftime('%H:%M')}"


@dataclass(frozen=True, slots=True)
class Reused:
    candidates: list[Candidate]
    model: Model
    origin: ScanOrigin


@cache
def settings(feeds: tuple[Callable[..., object], ...]) -> str:
    """What identifies the code that makes a result: the engine's (`kept.settings`) and the
    modules of the functions that read the catalog for it (`feeds`)."""
    modules = {m.__name__ for f in feeds if (m := inspect.getmodule(f)) is not None}
    return kept.settings(modules)


def load(s: Session, catalog: Catalog, version: int, made_by: str) -> Reused | None:
    """The result kept with the settings `made_by` that holds at `version`, if there is one
    and it can be read; one that cannot (damaged, or another curator's) is passed over."""
    row = scans.latest(s, version, made_by)
    if row is None or not _holds(s, row.catalog_version, version):
        return None
    found = kept.decode(row.result)
    if found is None:
        return None
    at = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
    own = row.author is not None and row.author == author_of(catalog).user
    origin = ScanOrigin(row.author, at, row.catalog_version, own)
    return Reused(found.candidates, found.model, origin)


def _holds(s: Session, computed_at: int, version: int) -> bool:
    """Whether a result computed at `computed_at` is what a scan at `version` finds."""
    if computed_at == version:
        return True
    if version - computed_at > LOOK_AHEAD:
        return False
    steps = since(s, computed_at).steps
    return all(kind in SCAN_NEUTRAL for step in steps for kind, *_ in step.touched)


def keep(
    catalog: Catalog, version: int, made_by: str, found: Sequence[Candidate], model: Model
) -> bool:
    """Keep a full scan's result for the next reader; never fails nor waits (False: not
    kept, the catalog busy, damaged or read-only)."""
    if catalog.damaged:
        return False
    blob = kept.encode(found, model)
    return scans.keep(catalog, version, made_by, author_of(catalog).user, blob)
