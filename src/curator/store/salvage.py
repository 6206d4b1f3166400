"""Reading what a damaged catalog still holds: works one id range at a time, around bad pages.

A damaged page makes every query that walks through it fail; a query for ids on either side of
it still works. So ids are read in ranges, a range that fails is read id by id, and an id whose
row cannot be read is reported, not guessed.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import text
from sqlalchemy.exc import DatabaseError
from sqlmodel import Session, col, select

from curator.domain.catalog import WorkView
from curator.store.catalog import on_server
from curator.store.queries import view_of
from curator.store.tables import SourceRecord, Venue, Work

RANGE = 1000  # ids read in one query while nothing fails


def readable_keys(session: Session) -> tuple[dict[int, str | None], list[int]]:
    """(id -> citation key of every work that can be read, ids that cannot be read)."""
    found: dict[int, str | None] = {}
    lost: list[int] = []
    top = _top_id(session)
    sql = text("SELECT id, citation_key FROM work WHERE id BETWEEN :a AND :b ORDER BY id")
    one = text("SELECT id, citation_key FROM work WHERE id = :a")
    for start in range(1, top + 1, RANGE):
        try:
            rows = session.execute(sql, {"a": start, "b": start + RANGE - 1}).all()
        except DatabaseError:
            rows = []
            for wid in range(start, min(start + RANGE, top + 1)):
                try:
                    rows += session.execute(one, {"a": wid}).all()
                except DatabaseError:
                    lost.append(wid)
        found.update((wid, key) for wid, key in rows)
    return found, lost


def _top_id(session: Session) -> int:
    """The largest work id ever given (the id counter, else the table's last row)."""
    counters = ("SELECT seq FROM sqlite_sequence WHERE name='work'",)
    if on_server(session):  # a failed query would end the server's transaction
        counters = ("SELECT pg_sequence_last_value(pg_get_serial_sequence('work', 'id'))",)
    for sql in ("SELECT max(id) FROM work", *counters):
        try:
            value = session.execute(text(sql)).scalar()
        except DatabaseError:
            continue
        if value:
            return int(value)
    return 0


def readable_views(session: Session, ids: list[int]) -> Iterator[WorkView | int]:
    """The works of `ids` as views, in order; the id itself for one that cannot be read.
    A venue or a record list that cannot be read is left out of the view, not the work."""
    venues = _venues(session)
    for wid in ids:
        try:
            work = session.exec(select(Work).where(Work.id == wid)).first()
        except DatabaseError:
            yield wid
            continue
        if work is None:
            yield wid
            continue
        try:
            records = session.exec(
                select(SourceRecord.id).where(col(SourceRecord.work_id) == wid)
            ).all()
        except DatabaseError:
            records = []
        yield view_of(work, venues, [r for r in records if r is not None])


def venues_readable(session: Session) -> bool:
    try:
        session.execute(text("SELECT count(*) FROM venue")).scalar()
    except DatabaseError:
        return False
    return True


def _venues(session: Session) -> dict[int | None, Venue]:
    try:
        return {v.id: v for v in session.exec(select(Venue))}
    except DatabaseError:
        return {}
