"""What happened in the catalog since a reader last looked: the steps logged after a given event
id (changes, undos and redos, by anyone), each with who made it and what it touched.

A window on a shared catalog refreshes the works these touched, and only those; an editor that
opened a work before someone else changed it names that change and its maker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from curator.events.base import EVERYTHING, Touched
from curator.events.registry import COMMANDS, load
from curator.events.who import who
from curator.store import authors, eventlog
from curator.store.eventlog import EventRow

UNDO_OR_REDO = frozenset({"undo", "redo"})


@dataclass(frozen=True, slots=True)
class Step:
    """One row of the log since: a change, or an undo or redo of one (`summary` says which)."""

    event_id: int
    summary: str
    by: str  # who made it, as the reading session names it ("bob", "another window")
    own: bool  # made by the reading session itself
    at: datetime | None
    touched: Touched  # what it wrote: for an undo or redo, what its change touches


@dataclass(frozen=True, slots=True)
class Since:
    newest: int  # the newest event id read: pass it to the next `since`
    steps: tuple[Step, ...]

    def works(self, others_only: bool = True) -> frozenset[int] | None:
        """The works the steps (by others only, unless asked) touched; None when one of them
        does not say what it touched: the reader must take everything as changed."""
        found: set[int] = set()
        for step in self.steps:
            if others_only and step.own:
                continue
            if step.touched & EVERYTHING:
                return None
            found.update(ids[0] for kind, *ids in step.touched if kind in ("work", "records"))
        return frozenset(found)

    def touching(self, token: tuple[str, Any]) -> Step | None:
        """The newest step that touched `token` (or said it touched everything)."""
        for step in reversed(self.steps):
            if token in step.touched or step.touched & EVERYTHING:
                return step
        return None


def since(s: Session, after: int) -> Since:
    """The steps logged after event `after`, oldest first, as the session of `s` sees them."""
    me = authors.author_in(s)
    rows = list(eventlog.rows_between(s, after))
    targets: dict[int, Touched] = {}
    steps = []
    for row in rows:
        touched = _touched(s, row, targets)
        if row.kind not in UNDO_OR_REDO:
            targets[row.id] = touched
        own = (row.author, row.session) == (me.user, me.session)
        by = who(row.author, row.session, me, row.id)
        steps.append(Step(row.id, row.summary, by, own, row.created_at, touched))
    return Since(rows[-1].id if rows else after, tuple(steps))


def _touched(s: Session, row: EventRow, known: dict[int, Touched]) -> Touched:
    if row.kind in UNDO_OR_REDO:
        target = row.payload.get("target")
        if not isinstance(target, int):
            return EVERYTHING
        if target not in known:
            found = eventlog.row(s, target)
            known[target] = _touched(s, found, known) if found else EVERYTHING
        return known[target]
    if row.kind not in COMMANDS:
        return EVERYTHING  # written by a newer curator: take it as touching everything
    return load(row.kind, row.payload).touches()


LOOK_BACK = 2_000  # log rows read to name who last changed something (a rare question)


def last_touching(s: Session, token: tuple[str, Any], after: int | None = None) -> Step | None:
    """The newest step after event `after` (by default, among the log's last `LOOK_BACK`
    rows) that touched `token`, such as ("work", 12): who changed it, and when."""
    if after is None:
        after = max(0, eventlog.newest_id(s) - LOOK_BACK)
    return since(s, after).touching(token)
