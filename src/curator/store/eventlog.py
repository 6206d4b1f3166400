"""The event log's rows: appended, their undo state moved, read back without payloads where
the window only needs words. The log's rules (what undo reverts) live in `curator.events`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text, update
from sqlmodel import Session, col, select

from curator.store.tables import Event


@dataclass(frozen=True, slots=True)
class EventRow:
    id: int
    kind: str
    summary: str
    payload: dict[str, Any]


def append(
    session: Session, kind: str, summary: str, payload: dict[str, Any], state: str | None
) -> int:
    event = Event(kind=kind, summary=summary, payload=payload, state=state)
    session.add(event)
    session.flush()
    return event.id or 0


def void_undone(session: Session) -> None:
    """A new change: what was undone can no longer be redone."""
    session.execute(update(Event).where(col(Event.state) == "undone").values(state="void"))


def set_state(session: Session, event_id: int, state: str) -> None:
    session.execute(update(Event).where(col(Event.id) == event_id).values(state=state))


def _row(event: Event | None) -> EventRow | None:
    if event is None:
        return None
    return EventRow(event.id or 0, event.kind, event.summary, event.payload)


def newest_done(session: Session) -> EventRow | None:
    stmt = select(Event).where(Event.state == "done").order_by(col(Event.id).desc()).limit(1)
    return _row(session.exec(stmt).first())


Label = tuple[int, str, str]  # an event's id, kind and summary


def step_labels(session: Session) -> tuple[Label | None, Label | None]:
    """The newest done and the oldest undone change, without reading their payloads (an
    import's lists a million ids): what Edit › Undo and Redo say."""
    found: list[Label | None] = []
    for state, order in (("done", "DESC"), ("undone", "ASC")):
        row = session.execute(
            text(
                f"SELECT id, kind, summary FROM event WHERE state = :state "
                f"ORDER BY id {order} LIMIT 1"
            ),
            {"state": state},
        ).first()
        found.append((row[0], row[1], row[2]) if row else None)
    return found[0], found[1]


def oldest_undone(session: Session) -> EventRow | None:
    stmt = select(Event).where(Event.state == "undone").order_by(col(Event.id)).limit(1)
    return _row(session.exec(stmt).first())


def kept_by_undo(session: Session, event_id: int) -> dict[str, Any] | None:
    """What the latest undo of `event_id` kept for its redo."""
    row = session.execute(
        text(
            "SELECT json_extract(payload, '$.kept') FROM event WHERE kind = 'undo' "
            "AND json_extract(payload, '$.target') = :id ORDER BY id DESC LIMIT 1"
        ),
        {"id": event_id},
    ).first()
    return json.loads(row[0]) if row and row[0] is not None else None


@dataclass(frozen=True, slots=True)
class HistoryRow:
    id: int
    kind: str
    summary: str
    created_at: datetime
    state: str | None
    survivor: int | None  # a merge's surviving work


def history_rows(session: Session, newest: int | None) -> list[HistoryRow]:
    """Oldest first; only the `newest` if given. No payload is read but a merge's survivor."""
    rows = session.execute(
        text(
            "SELECT id, kind, summary, created_at, state, "
            "CASE WHEN kind = 'merge' THEN json_extract(payload, '$.survivor') END "
            "FROM event ORDER BY id DESC LIMIT :n"
        ),
        {"n": -1 if newest is None else newest},
    ).all()
    return [HistoryRow(i, k, s, _when(at), st, w) for i, k, s, at, st, w in reversed(rows)]


def _when(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def count(session: Session) -> int:
    return int(session.execute(text("SELECT count(*) FROM event")).scalar_one())


def merge_in_effect(session: Session, work_id: int, event_id: int | None) -> EventRow | None:
    """The newest merge or auto-merge still done, with a merge whose survivor is `work_id`
    and that no unmerge in effect has split again (or that event's, if given)."""
    row = session.execute(
        text(
            """SELECT e.id, e.kind, e.summary, e.payload FROM event e
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
    if row is None:
        return None
    payload = json.loads(row[3]) if isinstance(row[3], str) else row[3]
    return EventRow(row[0], row[1], row[2], payload)
