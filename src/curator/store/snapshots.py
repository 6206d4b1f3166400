"""Exact copies of works, for merges that can be undone field by field."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, text, update
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, col, select

from curator.store.catalog import on_server
from curator.store.queries import get_work
from curator.store.tables import Decision, SourceRecord, Work
from curator.store.venues import live_venue_id

_WORK_COLUMNS = [c.name for c in Work.__table__.columns]  # type: ignore[attr-defined]


def snapshot(session: Session, work_id: int) -> dict[str, Any]:
    """Every column of a work, JSON-ready (datetimes as ISO strings)."""
    work = get_work(session, work_id)  # NotFoundError, for ids beyond SQLite's range too
    data = {name: getattr(work, name) for name in _WORK_COLUMNS}
    data["authors"] = list(data["authors"])
    for key in ("created_at", "updated_at"):
        data[key] = data[key].isoformat()
    return data


def restore(session: Session, data: dict[str, Any]) -> None:
    """Put a work back exactly as snapshotted: same id, same values (insert or overwrite),
    under a new row version: an editor that opened it since must hear of the change."""
    values = dict(data)
    for key in ("created_at", "updated_at"):
        values[key] = datetime.fromisoformat(values[key])
    values["venue_id"] = live_venue_id(session, values["venue_id"])
    work = session.get(Work, values["id"])
    if work is None:  # back under a version its earlier self never had
        values["version"] = values.get("version", 0) + 1
        session.add(Work(**values))
    else:
        values.pop("version", None)  # the update moves it on (a trigger), as any update does
        for name, value in values.items():
            setattr(work, name, value)
        # updated even where every value stays (a merge's survivor keeping its own values,
        # with the others' records): the ORM would skip the update, the version would not move
        flag_modified(work, "updated_at")
        session.add(work)
    session.flush()


def exists(session: Session, work_id: int) -> bool:
    return session.get(Work, work_id) is not None


def records_of(session: Session, work_ids: list[int]) -> dict[int, list[int]]:
    rows = session.execute(
        select(SourceRecord.work_id, SourceRecord.id)
        .where(col(SourceRecord.work_id).in_(work_ids))
        .order_by(col(SourceRecord.id))
    )
    owned: dict[int, list[int]] = {wid: [] for wid in work_ids}
    for wid, rid in rows:
        owned[wid].append(rid)
    return owned


def move_records(session: Session, record_ids: list[int], work_id: int) -> None:
    if record_ids:
        session.execute(
            update(SourceRecord).where(col(SourceRecord.id).in_(record_ids)).values(work_id=work_id)
        )


def delete_work(session: Session, work_id: int) -> None:
    session.execute(delete(Work).where(Work.id == work_id))  # type: ignore[arg-type]


def fingerprints(session: Session, work_ids: list[int] | None = None) -> dict[int, set[str]]:
    """work id -> the content hashes of its source records."""
    stmt = select(SourceRecord.work_id, SourceRecord.content_hash)
    if work_ids is not None:
        stmt = stmt.where(col(SourceRecord.work_id).in_(work_ids))
    found: dict[int, set[str]] = {}
    for wid, digest in session.execute(stmt):
        found.setdefault(wid, set()).add(digest)
    return found


HASHES_FILTERED_UP_TO = 500  # more hashes than this: the table is read whole, once


def owners_of(session: Session, digests: set[str]) -> dict[str, list[int]]:
    """content hash -> the works whose source records have it, for these hashes only (a
    catalog's every hash is a million rows). No index leads from a hash alone: a few hashes
    are one filtered pass of the table, many are one pass read whole."""
    stmt = select(SourceRecord.content_hash, SourceRecord.work_id)
    if len(digests) <= HASHES_FILTERED_UP_TO:
        stmt = stmt.where(col(SourceRecord.content_hash).in_(sorted(digests)))
    found: dict[str, list[int]] = {}
    for digest, wid in session.execute(stmt):
        if digest in digests:
            found.setdefault(digest, []).append(wid)
    return found


def decisions(session: Session) -> list[Decision]:
    return list(session.exec(select(Decision)))


def decided_work_pairs(session: Session) -> set[tuple[int, int]]:
    """Every (smaller id, larger id) pair of works a decision covers: a record of one holds
    the decision's one fingerprint, a record of the other its other. On a server the join is
    the server's, so only the pairs travel, never every record's fingerprint."""
    if on_server(session):
        rows = session.execute(text(_DECIDED_PAIRS)).all()
        return {(min(a, b), max(a, b)) for a, b in rows}
    decided = decisions(session)
    if not decided:
        return set()
    owners = owners_of(session, {fp for d in decided for fp in (d.fp_a, d.fp_b)})
    pairs: set[tuple[int, int]] = set()
    for d in decided:
        for x in owners.get(d.fp_a, ()):
            for y in owners.get(d.fp_b, ()):
                if x != y:
                    pairs.add((min(x, y), max(x, y)))
    return pairs


# SQLite would read the records twice for it (no index leads from a fingerprint alone)
_DECIDED_PAIRS = """
    SELECT DISTINCT ra.work_id, rb.work_id
    FROM decision d
    JOIN sourcerecord ra ON ra.content_hash = d.fp_a
    JOIN sourcerecord rb ON rb.content_hash = d.fp_b
    WHERE ra.work_id <> rb.work_id"""


def add_decision(
    session: Session,
    kind: str,
    fp_a: str,
    fp_b: str,
    work_a: int,
    work_b: int,
    decision_id: int | None = None,
    decided_at: datetime | None = None,
) -> int:
    """A decision about a pair; a redo gives it back its own id and time."""
    decision = Decision(
        id=decision_id, kind=kind, fp_a=fp_a, fp_b=fp_b, work_a=work_a, work_b=work_b
    )
    if decided_at is not None:
        decision.created_at = decided_at
    session.add(decision)
    session.flush()
    return decision.id or 0


def remove_decision(session: Session, decision_id: int) -> None:
    session.execute(delete(Decision).where(Decision.id == decision_id))  # type: ignore[arg-type]
