"""Ids are never reused: a table's next id comes past its counter (AUTOINCREMENT, or identity)."""

from __future__ import annotations

from sqlalchemy import func, text
from sqlmodel import Session, SQLModel, col, select

from curator.store.catalog import on_server

_COUNTER = text("SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = :t")
# A server catalog's identity counter, read without moving it (`schema_pg` keeps it past
# every id given explicitly, as AUTOINCREMENT does).
_COUNTER_PG = text(
    "SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence(:t, 'id')::regclass), 0)"
)


def next_id(session: Session, table: type[SQLModel]) -> int:
    """The id the next row of `table` gets: past every id it ever had (SQLite's AUTOINCREMENT
    counter), so a deleted work's or venue's id is never handed to another."""
    name = table.__tablename__
    seq = session.execute(_COUNTER_PG if on_server(session) else _COUNTER, {"t": name}).scalar_one()
    top = session.execute(select(func.coalesce(func.max(col(table.id)), 0))).scalar_one()  # type: ignore[attr-defined]
    return int(max(seq, top)) + 1
