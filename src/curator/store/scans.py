"""Kept duplicate scans: a scan's result as bytes, with the catalog version (newest event id)
and the settings it was computed at, so that the next scan of an unchanged catalog, by anyone,
reads it instead of scanning again. Only a cache: losing a row costs one scan, never more."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

from curator.domain.clock import utcnow
from curator.domain.errors import CuratorError
from curator.store.catalog import Catalog
from curator.store.tables import Event, ScanResult

_log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class KeptScan:
    """One kept result as read back: who made it, when, and its bytes."""

    id: int
    catalog_version: int
    settings: str
    created_at: datetime
    author: str | None
    result: bytes


def latest(s: Session, catalog_version: int, settings: str) -> KeptScan | None:
    """The newest result kept with these settings at this catalog version or before, if any."""
    row = s.exec(
        select(ScanResult)
        .where(col(ScanResult.catalog_version) <= catalog_version, ScanResult.settings == settings)
        .order_by(col(ScanResult.catalog_version).desc(), col(ScanResult.id).desc())
        .limit(1)
    ).first()
    if row is None or row.id is None:
        return None
    return KeptScan(
        row.id, row.catalog_version, row.settings, row.created_at, row.author, bytes(row.result)
    )


def keep(
    catalog: Catalog, catalog_version: int, settings: str, author: str | None, result: bytes
) -> bool:
    """Keep a result computed at `catalog_version`, dropping older ones (and one made with the
    same settings at the same version) in the same write; nothing when a newer version's
    result is already kept. Never waits for the catalog's writers nor fails: a busy, damaged
    or read-only catalog keeps nothing (False)."""
    try:
        with catalog.write_unless_busy() as s:
            newer = s.exec(
                select(ScanResult.id).where(ScanResult.catalog_version > catalog_version)
            ).first()
            if newer is not None:
                return False
            s.execute(
                delete(ScanResult).where(
                    or_(
                        col(ScanResult.catalog_version) < catalog_version,
                        col(ScanResult.settings) == settings,
                    )
                )
            )
            s.add(
                ScanResult(
                    catalog_version=catalog_version,
                    settings=settings,
                    created_at=utcnow(),
                    author=author,
                    result=result,
                )
            )
        return True
    except (CuratorError, SQLAlchemyError, OSError) as exc:
        _log.warning("duplicate scan not kept in %s: %s", catalog.location, exc)
        return False


def event_stamp(s: Session, event_id: int) -> str | None:
    """What tells one logged step from another that later took its id (a catalog restored
    from a backup, then changed): its kind and time; None when there is no such step."""
    row = s.exec(select(Event.kind, Event.created_at).where(Event.id == event_id)).first()
    return None if row is None else f"{row[0]} {row[1].isoformat()}"
