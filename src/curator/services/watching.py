"""Use case: follow what others change in a catalog that is open here. A watcher wakes its
reader when the catalog may have changed (a server's notice, a file's new version); what changed
is then read from the log (`changes.since`) and sorted into what each view shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from curator.events.base import EVERYTHING, KEY_OF
from curator.events.who import credit
from curator.services.changes import Since, Step
from curator.store import watching
from curator.store.catalog import Catalog
from curator.store.watching import Watcher

__all__ = ["Theirs", "Watcher", "theirs", "watch"]


def watch(catalog: Catalog) -> Watcher:
    """A watcher of `catalog`, listening from now on (a CuratorError if the server cannot be
    reached: the window then goes on without it)."""
    return watching.watch(catalog)


@dataclass(frozen=True, slots=True)
class Theirs:
    """Others' steps since a reader last looked, sorted by what they touched."""

    steps: tuple[Step, ...]
    works: frozenset[int] | None  # the works they changed; None: take everything as changed
    venues: bool  # a venue or a venue label (or everything)

    def said(self) -> str:
        """One line for the status bar: the newest step, who made it, and how many more."""
        if not self.steps:
            return ""
        newest = self.steps[-1]
        more = len(self.steps) - 1
        also = f" (and {more} more change{'s' if more > 1 else ''})" if more else ""
        return f"{newest.summary} — {credit(newest.by)}{also}"


def theirs(found: Since) -> Theirs:
    """The steps in `found` made elsewhere (not by the reading session) and what they
    touched: the works (an export's citation keys too), and whether the venues."""
    steps = tuple(step for step in found.steps if not step.own)
    works = found.works()
    touched = frozenset().union(*(step.touched for step in steps))
    if works is not None:
        works = works | {ids[0] for kind, *ids in touched if kind == KEY_OF}
    venues = bool(touched & EVERYTHING) or any(kind in ("venue", "alias") for kind, *_ in touched)
    return Theirs(steps, works, venues)
