"""Ids are never reused: the next id of a table comes from SQLite's AUTOINCREMENT counter."""

from __future__ import annotations

from sqlalchemy import func, text
from sqlmodel import Session, SQLModel, col, select


def next_id(session: Session, table: type[SQLModel]) -> int:
    """The id the next row of `table` gets: past every id it ever had (SQLite's AUTOINCREMENT
    counter), so a deleted work's or venue's id is never handed to another."""
    name = table.__tablename__
    seq = session.execute(
        text("SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name = :t"), {"t": name}
    ).scalar_one()
    top = session.execute(select(func.coalesce(func.max(col(table.id)), 0))).scalar_one()  # type: ignore[attr-defined]
    return int(max(seq, top)) + 1
