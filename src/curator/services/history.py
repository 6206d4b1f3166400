"""The event log read as undo and redo stacks, and as the history a librarian sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from curator.domain.errors import CuratorError
from curator.store.catalog import Catalog
from curator.store.tables import Event


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    id: int
    kind: str
    summary: str
    created_at: datetime
    state: str  # "done", "undone", or "" for undo/redo steps themselves
    survivor: int | None = None  # for a merge: the work an unmerge splits again


def _stacks(s: Session) -> tuple[list[Event], list[Event], list[Event]]:
    """Replay the log: (all events, changes in effect in order, changes undone and redoable)."""
    events = list(s.exec(select(Event).order_by(Event.id)))  # type: ignore[arg-type]
    by_id = {e.id: e for e in events}
    applied: list[Event] = []
    redoable: list[Event] = []
    for event in events:
        if event.kind == "undo":
            target = by_id[event.payload["target"]]
            applied.remove(target)
            redoable.append(target)
        elif event.kind == "redo":
            target = by_id[event.payload["target"]]
            redoable.remove(target)
            applied.append(target)
        else:
            applied.append(event)
            redoable.clear()
    return events, applied, redoable


def next_steps(s: Session) -> tuple[Event | None, Event | None]:
    """The change undo would revert and the one redo would apply again, if any."""
    _, applied, redoable = _stacks(s)
    return (applied[-1] if applied else None, redoable[-1] if redoable else None)


def undo_target(s: Session) -> Event:
    _, applied, _ = _stacks(s)
    if not applied:
        raise CuratorError("nothing to undo")
    return applied[-1]


def redo_target(s: Session) -> Event:
    _, _, redoable = _stacks(s)
    if not redoable:
        raise CuratorError("nothing to redo")
    return redoable[-1]


def latest_merge_into(
    s: Session, work_id: int, event_id: int | None = None
) -> tuple[int, dict[str, Any]] | None:
    """The newest merge in effect whose surviving work is `work_id` (or that merge event)."""
    _, applied, _ = _stacks(s)
    unmerged = {
        (e.payload["merge_event"], e.payload["merge"]["survivor"])
        for e in applied
        if e.kind == "unmerge"
    }
    for event in reversed(applied):
        merges = [event.payload] if event.kind == "merge" else []
        if event.kind == "auto-merge":
            merges = event.payload["merges"]
        for payload in merges:
            if event_id is not None and event.id != event_id:
                continue
            if payload["survivor"] == work_id and (event.id, work_id) not in unmerged:
                return event.id or 0, payload
    return None


def history(catalog: Catalog) -> list[HistoryEntry]:
    with catalog.read() as s:
        events, applied, _ = _stacks(s)
        live = {e.id for e in applied}
        return [
            HistoryEntry(
                e.id or 0,
                e.kind,
                e.summary,
                e.created_at,
                "" if e.kind in ("undo", "redo") else ("done" if e.id in live else "undone"),
                e.payload.get("survivor") if e.kind == "merge" else None,
            )
            for e in events
        ]
