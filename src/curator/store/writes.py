"""Writing to the catalog inside a unit of work: venues by label, works, records and events."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, select

from curator.domain.venues import guess_venue_kind, venue_key
from curator.store.tables import Event, SourceRecord, Venue, VenueAlias, Work, utcnow


def venue_for_label(session: Session, label: str, created: list[int]) -> int:
    """The venue a label means: its alias if known, else a new venue (and alias) for it.

    Ids of venues created here are appended to `created`, for the event log.
    """
    key = venue_key(label)
    alias = session.exec(select(VenueAlias).where(VenueAlias.label_key == key)).first()
    if alias is not None:
        return alias.venue_id
    clean = " ".join(label.split())
    venue = session.exec(select(Venue).where(Venue.name == clean)).first()
    if venue is None:
        venue = Venue(name=clean, kind=guess_venue_kind(clean).value)
        session.add(venue)
        session.flush()
        created.append(venue.id or 0)
    session.add(VenueAlias(label_key=key, label=clean, venue_id=venue.id or 0))
    session.flush()
    return venue.id or 0


def insert_works(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Bulk insert (one statement, not one ORM object per row); ids in input order."""
    if not rows:
        return []
    now = utcnow()
    rows = [{"created_at": now, "updated_at": now, **r} for r in rows]
    result = session.execute(insert(Work).returning(Work.id, sort_by_parameter_order=True), rows)
    return [r[0] for r in result]


def insert_records(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    result = session.execute(
        insert(SourceRecord).returning(SourceRecord.id, sort_by_parameter_order=True), rows
    )
    return [r[0] for r in result]


def add_event(session: Session, kind: str, summary: str, payload: dict[str, Any]) -> Event:
    event = Event(kind=kind, summary=summary, payload=payload)
    session.add(event)
    session.flush()
    return event
