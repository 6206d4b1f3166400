"""The event log's rows: appended with who made them, their undo state moved, read back
without payloads where the window only needs words. The log's rules (what undo reverts, and
for whom) live in `curator.events`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text, update
from sqlmodel import Session, col, select

from curator.store.authors import Author
from curator.store.catalog import driver, on_server, pg_driver
from curator.store.tables import Event


@dataclass(frozen=True, slots=True)
class EventRow:
    id: int
    kind: str
    summary: str
    payload: dict[str, Any]
    author: str | None = None  # None: made before the log recorded who made each step
    session: str | None = None
    created_at: datetime | None = None  # read where the reader needs it (`rows_between`)


def append(
    session: Session,
    kind: str,
    summary: str,
    payload: dict[str, Any],
    state: str | None,
    author: Author,
) -> int:
    event = Event(
        kind=kind,
        summary=summary,
        payload=payload,
        state=state,
        author=author.user,
        session=author.session,
    )
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
    return EventRow(
        event.id or 0, event.kind, event.summary, event.payload, event.author, event.session
    )


def row(session: Session, event_id: int) -> EventRow | None:
    return _row(session.get(Event, event_id))


def newest_done(session: Session) -> EventRow | None:
    stmt = select(Event).where(Event.state == "done").order_by(col(Event.id).desc()).limit(1)
    return _row(session.exec(stmt).first())


def oldest_undone(session: Session) -> EventRow | None:
    stmt = select(Event).where(Event.state == "undone").order_by(col(Event.id)).limit(1)
    return _row(session.exec(stmt).first())


@dataclass(frozen=True, slots=True)
class Label:
    """An event in words, without its payload (an import's lists a million ids)."""

    id: int
    kind: str
    summary: str
    author: str | None
    session: str | None


_LABEL = "SELECT id, kind, summary, author, session FROM event"


def _label(session: Session, where: str, order: str, params: dict[str, Any]) -> Label | None:
    found = session.execute(
        text(f"{_LABEL} WHERE {where} ORDER BY id {order} LIMIT 1"), params
    ).first()
    return Label(*found) if found else None


def step_labels(session: Session) -> tuple[Label | None, Label | None]:
    """The newest done and the oldest undone change, whoever made them: what undo and redo
    take in the catalog as a whole."""
    return (
        _label(session, "state = 'done'", "DESC", {}),
        _label(session, "state = 'undone'", "ASC", {}),
    )


def own_labels(session: Session, me: Author) -> tuple[Label | None, Label | None]:
    """The newest done and the oldest undone change that `me` made or that nobody is known to
    have made (steps older than the log's record of who made them): two indexed lookups for
    each, the newer (for undo) or older (for redo) of the two taken."""
    found: list[Label | None] = []
    server = on_server(session)
    for state, order in (("done", "DESC"), ("undone", "ASC")):
        where = f"state = '{state}' AND session IS :session AND author IS :user"
        ours = nobody = where
        if server:  # IS compares values only on SQLite; '=' and IS NULL walk the index
            ours = f"state = '{state}' AND session = :session AND author = :user"
            nobody = f"state = '{state}' AND session IS NULL AND author IS NULL"
        mine = _label(session, ours, order, {"session": me.session, "user": me.user})
        theirs = _label(session, nobody, order, {"session": None, "user": None})
        both = [label for label in (mine, theirs) if label is not None]
        pick = max if order == "DESC" else min
        found.append(pick(both, key=lambda label: label.id) if both else None)
    return found[0], found[1]


def ids_in_state(
    session: Session, state: str, after: int = 0, before: int | None = None
) -> list[int]:
    """Changes in `state` with ids between `after` and `before` (exclusive), oldest first."""
    rows = session.execute(
        text(
            "SELECT id FROM event WHERE state = :state AND id > :after "
            "AND (CAST(:before AS BIGINT) IS NULL OR id < :before) ORDER BY id"
        ),
        {"state": state, "after": after, "before": before},
    ).all()
    return [r[0] for r in rows]


def rows_in_state(
    session: Session, state: str, after: int = 0, before: int | None = None
) -> Iterator[EventRow]:
    """`ids_in_state`'s changes with their payloads, oldest first, read as they are used in
    one query on the sqlite3 connection: an undo past 50,000 later changes compares each with
    its own, and loading them one by one through the ORM took 90% of 15 s."""
    if on_server(session):
        cursor: Any = pg_driver(session).execute(
            b"SELECT id, kind, summary, payload::text, author, session FROM event "
            b"WHERE state = %s AND id > %s AND (%s::bigint IS NULL OR id < %s) ORDER BY id",
            (state, after, before, before),
        )
    else:
        cursor = driver(session).execute(
            "SELECT id, kind, summary, payload, author, session FROM event "
            "WHERE state = ? AND id > ? AND (? IS NULL OR id < ?) ORDER BY id",
            (state, after, before, before),
        )
    for event_id, kind, summary, payload, author, by in cursor:
        yield EventRow(event_id, kind, summary, json.loads(payload), author, by)


def rows_between(session: Session, after: int, before: int | None = None) -> Iterator[EventRow]:
    """Every row of the log with an id between `after` and `before` (exclusive), changes,
    undos and redos alike, oldest first, with payloads and times: what happened since a
    reader last looked."""
    if on_server(session):
        cursor: Any = pg_driver(session).execute(
            b"SELECT id, kind, summary, payload::text, author, session, created_at FROM event "
            b"WHERE id > %s AND (%s::bigint IS NULL OR id < %s) ORDER BY id",
            (after, before, before),
        )
    else:
        cursor = driver(session).execute(
            "SELECT id, kind, summary, payload, author, session, created_at FROM event "
            "WHERE id > ? AND (? IS NULL OR id < ?) ORDER BY id",
            (after, before, before),
        )
    for event_id, kind, summary, payload, author, by, at in cursor:
        yield EventRow(event_id, kind, summary, json.loads(payload), author, by, _when(at))


def kept_by_undo(session: Session, event_id: int) -> dict[str, Any] | None:
    """What the latest undo of `event_id` kept for its redo."""
    sql = (
        "SELECT json_extract(payload, '$.kept') FROM event WHERE kind = 'undo' "
        "AND json_extract(payload, '$.target') = :id ORDER BY id DESC LIMIT 1"
    )
    params: dict[str, object] = {"id": event_id}
    if on_server(session):  # ->> gives JSON's text, as json_extract does an object
        sql = (
            "SELECT payload ->> 'kept' FROM event WHERE kind = 'undo' "
            "AND payload ->> 'target' = :id ORDER BY id DESC LIMIT 1"
        )
        params = {"id": str(event_id)}
    found = session.execute(text(sql), params).first()
    return json.loads(found[0]) if found and found[0] is not None else None


@dataclass(frozen=True, slots=True)
class HistoryRow:
    id: int
    kind: str
    summary: str
    created_at: datetime
    state: str | None
    survivor: int | None  # a merge's surviving work
    author: str | None
    session: str | None


def history_rows(session: Session, newest: int | None) -> list[HistoryRow]:
    """Oldest first; only the `newest` if given. No payload is read but a merge's survivor."""
    everything: int | None
    survivor, everything = "json_extract(payload, '$.survivor')", -1
    if on_server(session):
        survivor, everything = "(payload ->> 'survivor')::bigint", None  # LIMIT NULL: all
    rows = session.execute(
        text(
            "SELECT id, kind, summary, created_at, state, "
            f"CASE WHEN kind = 'merge' THEN {survivor} END, "
            "author, session FROM event ORDER BY id DESC LIMIT :n"
        ),
        {"n": everything if newest is None else newest},
    ).all()
    return [
        HistoryRow(i, k, s, _when(at), st, w, a, se) for i, k, s, at, st, w, a, se in reversed(rows)
    ]


def _when(value: str | datetime) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def newest_id(session: Session) -> int:
    """The id of the newest row of the log (0 for none)."""
    return int(session.execute(text("SELECT coalesce(max(id), 0) FROM event")).scalar_one())


def count(session: Session) -> int:
    return int(session.execute(text("SELECT count(*) FROM event")).scalar_one())


def merge_in_effect(session: Session, work_id: int, event_id: int | None) -> EventRow | None:
    """The newest merge or auto-merge still done, with a merge whose survivor is `work_id`
    and that no unmerge in effect has split again (or that event's, if given)."""
    if on_server(session):
        found = session.execute(_MERGE_IN_EFFECT_PG, {"w": str(work_id), "event": event_id}).first()
        if found is None:
            return None
        return EventRow(found[0], found[1], found[2], json.loads(found[3]))
    found = session.execute(
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
    if found is None:
        return None
    payload = json.loads(found[3]) if isinstance(found[3], str) else found[3]
    return EventRow(found[0], found[1], found[2], payload)


_MERGE_IN_EFFECT_PG = text(
    """SELECT e.id, e.kind, e.summary, e.payload::text FROM event e
    WHERE e.state = 'done' AND (CAST(:event AS BIGINT) IS NULL OR e.id = :event) AND (
      (e.kind = 'merge' AND e.payload ->> 'survivor' = :w)
      OR (e.kind = 'auto-merge' AND EXISTS (
          SELECT 1 FROM json_array_elements(e.payload -> 'merges') AS m(value)
          WHERE m.value ->> 'survivor' = :w)))
    AND NOT EXISTS (
      SELECT 1 FROM event u WHERE u.kind = 'unmerge' AND u.state = 'done'
      AND u.payload ->> 'merge_event' = e.id::text
      AND u.payload -> 'merge' ->> 'survivor' = :w)
    ORDER BY e.id DESC LIMIT 1"""
)
