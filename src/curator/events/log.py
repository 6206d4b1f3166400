"""The event log: changes recorded with where each stands on the undo stack, undo and redo.

Each change row stores its state (done, undone, void), so the next undo is the newest done
change and the next redo the oldest undone one: two indexed lookups, whatever the log's
length. Undo and redo are rows of their own (the log is append-only); an undo's row keeps
what its change's redo needs back (an import's rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from curator.domain.errors import CuratorError
from curator.events.base import CURRENT, Command
from curator.events.merges import MergePayload
from curator.events.registry import load
from curator.store import eventlog

UNDO, REDO = "undo", "redo"


@dataclass(frozen=True, slots=True)
class Step:
    """A change on the undo stack, in words."""

    event_id: int
    kind: str
    summary: str


def record(s: Session, command: Command[Any], summary: str) -> int:
    """Append a change already made; it voids whatever was undone (no redo past a change)."""
    eventlog.void_undone(s)
    return eventlog.append(s, command.kind, summary, command.dump(), "done")


def execute(s: Session, command: Command[Any], summary: str) -> int:
    """Make a change and record it."""
    command.apply(s)
    return record(s, command, summary)


def next_steps(s: Session) -> tuple[Step | None, Step | None]:
    """The change undo would revert and the one redo would apply again, if any."""
    done, undone = eventlog.step_labels(s)
    return (Step(*done) if done else None), (Step(*undone) if undone else None)


def _expected(row: eventlog.EventRow | None, expected: int | None, what: str) -> None:
    if expected is not None and (row is None or row.id != expected):
        raise CuratorError(
            f"the step to {what} has changed since it was shown (another change came first); "
            f"look at Edit › {what.capitalize()} again"
        )


def undo(s: Session, expected: int | None = None) -> Step:
    """Revert the newest change; with `expected`, only if it is still that event."""
    row = eventlog.newest_done(s)
    _expected(row, expected, "undo")
    if row is None:
        raise CuratorError("nothing to undo")
    kept = load(row.kind, row.payload).revert(s)
    eventlog.set_state(s, row.id, "undone")
    payload: dict[str, Any] = {"version": CURRENT, "target": row.id}
    if kept is not None:
        payload["kept"] = kept
    eventlog.append(s, UNDO, f"Undo: {row.summary}", payload, None)
    return Step(row.id, row.kind, row.summary)


def redo(s: Session, expected: int | None = None) -> Step:
    row = eventlog.oldest_undone(s)
    _expected(row, expected, "redo")
    if row is None:
        raise CuratorError("nothing to redo")
    command = load(row.kind, row.payload)
    command.reapply(s, eventlog.kept_by_undo(s, row.id) if command.keeps_on_revert else None)
    eventlog.set_state(s, row.id, "done")
    eventlog.append(s, REDO, f"Redo: {row.summary}", {"version": CURRENT, "target": row.id}, None)
    return Step(row.id, row.kind, row.summary)


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the history: a change (done, undone) or an undo/redo of one."""

    id: int
    kind: str
    summary: str
    created_at: datetime
    state: str  # "done", "undone", or "" for undo/redo steps themselves
    survivor: int | None = None  # for a merge: the work an unmerge splits again


_STATE_WORDS = {"done": "done", "undone": "undone", "void": "undone"}


def entries(s: Session, newest: int | None = None) -> list[Entry]:
    """The history, oldest first (only the `newest` entries if given)."""
    return [
        Entry(
            r.id, r.kind, r.summary, r.created_at, _STATE_WORDS.get(r.state or "", ""), r.survivor
        )
        for r in eventlog.history_rows(s, newest)
    ]


def count(s: Session) -> int:
    return eventlog.count(s)


def latest_merge_into(
    s: Session, work_id: int, event_id: int | None = None
) -> tuple[int, MergePayload] | None:
    """The newest merge in effect (done, and not unmerged since) whose surviving work is
    `work_id`, or that merge event's, with its payload."""
    row = eventlog.merge_in_effect(s, work_id, event_id)
    if row is None:
        return None
    command = load(row.kind, row.payload)
    merges = [command.payload] if row.kind == "merge" else command.payload.merges
    return row.id, next(m for m in merges if m.survivor == work_id)
