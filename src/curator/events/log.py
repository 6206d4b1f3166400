"""The event log: changes recorded with where each stands on the undo stack, undo and redo.

Each change row stores its state (done, undone, void), so the next undo is the newest done
change and the next redo the oldest undone one: two indexed lookups, whatever the log's
length. Undo and redo are rows of their own (the log is append-only); an undo's row keeps
what its change's redo needs back (an import's rows).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text, update
from sqlmodel import Session, col, select

from curator.domain.errors import CuratorError
from curator.events.base import Command
from curator.events.merges import MergePayload
from curator.events.registry import load
from curator.store.tables import Event

UNDO, REDO = "undo", "redo"


@dataclass(frozen=True, slots=True)
class Step:
    """A change on the undo stack, in words."""

    event_id: int
    kind: str
    summary: str


def record(s: Session, command: Command[Any], summary: str) -> int:
    """Append a change already made; it voids whatever was undone (no redo past a change)."""
    s.execute(update(Event).where(Event.state == "undone").values(state="void"))  # type: ignore[arg-type]
    event = Event(kind=command.kind, summary=summary, payload=command.dump(), state="done")
    s.add(event)
    s.flush()
    return event.id or 0


def execute(s: Session, command: Command[Any], summary: str) -> int:
    """Make a change and record it."""
    command.apply(s)
    return record(s, command, summary)


def _newest_done(s: Session) -> Event | None:
    stmt = select(Event).where(Event.state == "done").order_by(col(Event.id).desc()).limit(1)
    return s.exec(stmt).first()


def _oldest_undone(s: Session) -> Event | None:
    stmt = select(Event).where(Event.state == "undone").order_by(col(Event.id)).limit(1)
    return s.exec(stmt).first()


def next_steps(s: Session) -> tuple[Step | None, Step | None]:
    """The change undo would revert and the one redo would apply again, if any."""
    found = [_newest_done(s), _oldest_undone(s)]
    steps = [Step(e.id or 0, e.kind, e.summary) if e else None for e in found]
    return steps[0], steps[1]


def undo(s: Session) -> Step:
    event = _newest_done(s)
    if event is None:
        raise CuratorError("nothing to undo")
    kept = load(event.kind, event.payload).revert(s)
    _move(s, event, "undone")
    payload = {"version": 2, "target": event.id, **({"kept": kept} if kept is not None else {})}
    s.add(Event(kind=UNDO, summary=f"Undo: {event.summary}", payload=payload))
    s.flush()
    return Step(event.id or 0, event.kind, event.summary)


def redo(s: Session) -> Step:
    event = _oldest_undone(s)
    if event is None:
        raise CuratorError("nothing to redo")
    command = load(event.kind, event.payload)
    command.reapply(s, _kept_by_undo(s, event.id or 0) if command.keeps_on_revert else None)
    _move(s, event, "done")
    payload = {"version": 2, "target": event.id}
    s.add(Event(kind=REDO, summary=f"Redo: {event.summary}", payload=payload))
    s.flush()
    return Step(event.id or 0, event.kind, event.summary)


def _move(s: Session, event: Event, state: str) -> None:
    s.execute(update(Event).where(Event.id == event.id).values(state=state))  # type: ignore[arg-type]
    s.expire(event)


def _kept_by_undo(s: Session, event_id: int) -> dict[str, Any] | None:
    row = s.execute(
        text(
            "SELECT json_extract(payload, '$.kept') FROM event WHERE kind = 'undo' "
            "AND json_extract(payload, '$.target') = :id ORDER BY id DESC LIMIT 1"
        ),
        {"id": event_id},
    ).first()
    return json.loads(row[0]) if row and row[0] is not None else None


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the history: a change (done, undone) or an undo/redo of one."""

    id: int
    kind: str
    summary: str
    created_at: datetime
    state: str  # "done", "undone", or "" for undo/redo steps themselves
    survivor: int | None = None  # for a merge: the work an unmerge splits again


def entries(s: Session, newest: int | None = None) -> list[Entry]:
    """The history, oldest first (only the `newest` entries if given), in one query that
    reads no payload but a merge's survivor."""
    rows = s.execute(
        text(
            "SELECT id, kind, summary, created_at, state, "
            "CASE WHEN kind = 'merge' THEN json_extract(payload, '$.survivor') END "
            "FROM event ORDER BY id DESC LIMIT :n"
        ),
        {"n": -1 if newest is None else newest},
    ).all()
    return [
        Entry(i, kind, summary, _when(at), "" if state is None else _STATE_WORDS[state], survivor)
        for i, kind, summary, at, state, survivor in reversed(rows)
    ]


def count(s: Session) -> int:
    return int(s.execute(text("SELECT count(*) FROM event")).scalar_one())


_STATE_WORDS = {"done": "done", "undone": "undone", "void": "undone"}


def _when(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def latest_merge_into(
    s: Session, work_id: int, event_id: int | None = None
) -> tuple[int, MergePayload] | None:
    """The newest merge in effect (done, and not unmerged since) whose surviving work is
    `work_id`, or that merge event's, with its payload."""
    rows = s.execute(
        text(
            """SELECT e.id, e.kind, e.payload FROM event e
            WHERE e.state = 'done' AND (:event IS NULL OR e.id = :event) AND (
              (e.kind = 'merge' AND json_extract(e.payload, '$.survivor') = :w)
              OR (e.kind = 'auto-merge' AND EXISTS (
                  SELECT 1 FROM json_each(e.payload, '$.merges') m
                  WHERE json_extract(m.value, '$.survivor') = :w)))
            AND NOT EXISTS (
              SELECT 1 FROM event u WHERE u.kind = 'unmerge' AND u.state = 'done'
              AND json_extract(u.payload, '$.merge_event') = e.id
              AND json_extract(u.payload, '$.merge.survivor') = :w)
            ORDER BY e.id DESC LIMIT 1"""
        ),
        {"w": work_id, "event": event_id},
    ).first()
    if rows is None:
        return None
    found, kind, raw = rows
    command = load(kind, json.loads(raw) if isinstance(raw, str) else raw)
    merges = [command.payload] if kind == "merge" else command.payload.merges
    return found, next(m for m in merges if m.survivor == work_id)
