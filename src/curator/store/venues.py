"""Venues in the store: reading them with their labels and counts, and the writes that
venue curation (rename, merge, split) is made of, each reversible from its payload."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import Session, col, select

from curator.domain.catalog import LabelRecord, VenueRecord
from curator.domain.errors import NotFoundError
from curator.domain.matching import connected_groups
from curator.domain.venues import venue_key
from curator.store.catalog import on_server
from curator.store.ids import next_id
from curator.store.tables import (
    MAX_ROW_ID,
    MergedVenue,
    SourceRecord,
    Venue,
    VenueAlias,
    VenueRejection,
    Work,
)

VENUE_FIELDS = ("name", "short_name", "kind", "parent_id")


def _venue(v: Venue) -> VenueRecord:
    return VenueRecord(v.id or 0, v.name, v.short_name, v.kind, v.parent_id)


def _label(a: VenueAlias) -> LabelRecord:
    return LabelRecord(a.id or 0, a.label_key, a.label, a.venue_id, a.note)


def _orm_venue(session: Session, venue_id: int) -> Venue:
    venue = session.get(Venue, venue_id) if 0 < venue_id <= MAX_ROW_ID else None
    if venue is None:
        raise NotFoundError(f"no venue with id {venue_id}")
    return venue


def get_venue(session: Session, venue_id: int) -> VenueRecord:
    return _venue(_orm_venue(session, venue_id))


def find_venue(session: Session, venue_id: int) -> VenueRecord | None:
    venue = session.get(Venue, venue_id) if 0 < venue_id <= MAX_ROW_ID else None
    return _venue(venue) if venue is not None else None


def venues(session: Session) -> list[VenueRecord]:
    return [_venue(v) for v in session.exec(select(Venue).order_by(col(Venue.name)))]


def aliases(session: Session, venue_id: int | None = None) -> list[LabelRecord]:
    stmt = select(VenueAlias).order_by(col(VenueAlias.id))
    if venue_id is not None:
        stmt = stmt.where(VenueAlias.venue_id == venue_id)
    return [_label(a) for a in session.exec(stmt)]


def alias_for(session: Session, label: str) -> LabelRecord | None:
    found = session.exec(select(VenueAlias).where(VenueAlias.label_key == venue_key(label)))
    alias = found.first()
    return _label(alias) if alias is not None else None


def alias_notes(session: Session) -> dict[str, str]:
    """label key -> the note works imported under that label get ("Spotlight")."""
    rows = session.exec(
        select(VenueAlias.label_key, VenueAlias.note).where(col(VenueAlias.note).is_not(None))
    )
    return {key: note for key, note in rows if note}


def venue_named(session: Session, name: str) -> VenueRecord | None:
    venue = session.exec(select(Venue).where(Venue.name == name)).first()
    return _venue(venue) if venue is not None else None


def venue_kind(session: Session, venue_id: int | None) -> str | None:
    venue = session.get(Venue, venue_id) if venue_id else None
    return venue.kind if venue is not None else None


def work_counts(session: Session, venue_ids: Sequence[int] | None = None) -> dict[int, int]:
    stmt = select(Work.venue_id, func.count()).where(col(Work.venue_id).is_not(None))
    if venue_ids is not None:
        stmt = stmt.where(col(Work.venue_id).in_(venue_ids))
    rows = session.execute(stmt.group_by(col(Work.venue_id)))
    return {vid: n for vid, n in rows}


def label_record_counts(session: Session) -> Counter[str]:
    """label key -> how many source records carry that label."""
    rows = session.execute(
        select(SourceRecord.venue_label, func.count())
        .where(col(SourceRecord.venue_label).is_not(None))
        .group_by(col(SourceRecord.venue_label))
    )
    counts: Counter[str] = Counter()
    for label, n in rows:
        counts[venue_key(label)] += n
    return counts


def venues_of_duplicate_groups(
    session: Session, pairs: Iterable[tuple[int, int]]
) -> Counter[tuple[int, int]]:
    """(venue a, venue b) -> how many groups of works joined by `pairs` (copies of one paper)
    have copies at each venue (a < b). A paper with six copies counts once, not nine times."""
    groups = connected_groups(pairs)
    venue_of: dict[int, int] = {}
    ids = sorted(w for group in groups for w in group)
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(Work.id, Work.venue_id)
            .where(col(Work.id).in_(ids[start : start + 500]))
            .where(col(Work.venue_id).is_not(None))
        )
        venue_of.update({wid: vid for wid, vid in rows})
    found: Counter[tuple[int, int]] = Counter()
    for group in groups:
        venues = sorted({venue_of[w] for w in group if w in venue_of})
        for a, b in combinations(venues, 2):
            found[a, b] += 1
    return found


def labels_on_merged_works(session: Session) -> dict[tuple[int, int], int]:
    """(venue a, venue b) -> works whose records carry labels of both: the librarian merged
    those records into one work, so the two labels named one paper's venue."""
    by_key = {a.label_key: a.venue_id for a in aliases(session)}
    rows = session.execute(
        select(SourceRecord.work_id, SourceRecord.venue_label)
        .where(col(SourceRecord.venue_label).is_not(None))
        .where(
            col(SourceRecord.work_id).in_(
                select(SourceRecord.work_id)
                .group_by(col(SourceRecord.work_id))
                .having(func.count() > 1)
            )
        )
    )
    per_work: dict[int, set[int]] = defaultdict(set)
    for wid, label in rows:
        vid = by_key.get(venue_key(label))
        if vid is not None:
            per_work[wid].add(vid)
    pairs: Counter[tuple[int, int]] = Counter()
    for vids in per_work.values():
        ordered = sorted(vids)
        pairs.update((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :])
    return dict(pairs)


def rejections(session: Session) -> list[VenueRejection]:
    return list(session.exec(select(VenueRejection)))


# --- writes --------------------------------------------------------------------------------


def next_venue_id(session: Session) -> int:
    """A fresh id: never one a venue had before (a merged venue's id keeps pointing where
    it went; a venue removed by an undo may come back under its id with a redo)."""
    return next_id(session, Venue)


def live_venue_id(session: Session, venue_id: int | None) -> int | None:
    """The venue an id means now: itself, or the venue it was merged into (transitively)."""
    seen = set()
    while venue_id is not None and session.get(Venue, venue_id) is None:
        merged = session.get(MergedVenue, venue_id)
        if merged is None or venue_id in seen:
            return None
        seen.add(venue_id)
        venue_id = merged.into_id
    return venue_id


def venue_row(venue: Venue | VenueRecord) -> dict[str, Any]:
    return {"id": venue.id, **{f: getattr(venue, f) for f in VENUE_FIELDS}}


def alias_row(alias: VenueAlias) -> dict[str, Any]:
    return {"id": alias.id, "label_key": alias.label_key, "label": alias.label,
            "venue_id": alias.venue_id, "note": alias.note}  # fmt: skip


def set_venue_fields(session: Session, venue_id: int, values: dict[str, Any]) -> None:
    venue = _orm_venue(session, venue_id)
    for field, value in values.items():
        setattr(venue, field, value)
    session.add(venue)
    session.flush()


def insert_venue(session: Session, row: dict[str, Any]) -> None:
    session.add(Venue(**row))
    session.flush()


def delete_venue(session: Session, venue_id: int) -> None:
    session.execute(delete(Venue).where(Venue.id == venue_id))  # type: ignore[arg-type]


def insert_alias(session: Session, row: dict[str, Any]) -> int:
    alias = VenueAlias(**row)
    session.add(alias)
    session.flush()
    return alias.id or 0


def delete_aliases(session: Session, alias_ids: list[int]) -> None:
    if alias_ids:
        session.execute(delete(VenueAlias).where(col(VenueAlias.id).in_(alias_ids)))


def move_aliases(session: Session, alias_ids: list[int], venue_id: int) -> None:
    if alias_ids:
        session.execute(
            update(VenueAlias).where(col(VenueAlias.id).in_(alias_ids)).values(venue_id=venue_id)
        )


def set_alias_notes(session: Session, notes: dict[int, str | None]) -> None:
    for alias_id, note in notes.items():
        session.execute(update(VenueAlias).where(VenueAlias.id == alias_id).values(note=note))  # type: ignore[arg-type]


def move_works(session: Session, work_ids: list[int], venue_id: int | None) -> None:
    if work_ids:
        session.execute(update(Work).where(col(Work.id).in_(work_ids)).values(venue_id=venue_id))


def works_of(session: Session, venue_id: int) -> list[int]:
    stmt = select(col(Work.id)).where(Work.venue_id == venue_id).order_by(col(Work.id))
    return [wid for wid in session.exec(stmt) if wid is not None]


def children_of(session: Session, venue_id: int) -> list[int]:
    return list(session.exec(select(Venue.id).where(Venue.parent_id == venue_id)))  # type: ignore[arg-type]


def set_parents(session: Session, venue_ids: list[int], parent_id: int | None) -> None:
    if venue_ids:
        session.execute(
            update(Venue).where(col(Venue.id).in_(venue_ids)).values(parent_id=parent_id)
        )


def set_work_notes(session: Session, notes: dict[int, str | None]) -> None:
    if notes:
        mark = "%s" if on_server(session) else "?"
        session.connection().exec_driver_sql(
            f"UPDATE work SET notes = {mark} WHERE id = {mark}",
            [(n, wid) for wid, n in notes.items()],
        )


def work_notes(session: Session, work_ids: list[int]) -> dict[int, str | None]:
    rows = session.execute(select(Work.id, Work.notes).where(col(Work.id).in_(work_ids)))
    return {wid: notes for wid, notes in rows}


def works_with_label(session: Session, venue_id: int, label_key: str) -> list[int]:
    """Works of a venue whose records carry `label_key` among that venue's labels only."""
    keys = {a.label_key for a in aliases(session, venue_id)}
    rows = session.execute(
        select(SourceRecord.work_id, SourceRecord.venue_label)
        .join(Work, Work.id == SourceRecord.work_id)  # type: ignore[arg-type]
        .where(Work.venue_id == venue_id)
        .where(col(SourceRecord.venue_label).is_not(None))
    )
    seen: dict[int, set[str]] = defaultdict(set)
    for wid, label in rows:
        key = venue_key(label)
        if key in keys:
            seen[wid].add(key)
    return sorted(wid for wid, found in seen.items() if found == {label_key})


def created_rows(session: Session, venue_ids: list[int], alias_ids: list[int]) -> dict[str, Any]:
    """The venues and labels a change created, as rows its undo removes and its redo restores."""
    venues = [session.get(Venue, v) for v in venue_ids]
    aliases = [session.get(VenueAlias, a) for a in alias_ids]
    return {
        "venues": [venue_row(v) for v in venues if v is not None],
        "aliases": [alias_row(a) for a in aliases if a is not None],
    }


def drop_created(session: Session, rows: dict[str, Any]) -> None:
    """Undo of a change that created venues and labels: remove them, unless something has come
    to use them since (a label on imported records, a venue with works): those stay."""
    drop_typed_labels(session, [a["id"] for a in rows["aliases"]])
    for row in rows["venues"]:
        vid = row["id"]
        if not (works_of(session, vid) or aliases(session, vid) or children_of(session, vid)):
            delete_venue(session, vid)


def drop_typed_labels(session: Session, alias_ids: list[int]) -> list[int]:
    """Delete the labels no source record carries (typed in an editor); the ids left."""
    rows = [session.get(VenueAlias, a) for a in alias_ids]
    keys = record_label_keys(session)
    typed = [a.id or 0 for a in rows if a is not None and a.label_key not in keys]
    delete_aliases(session, typed)
    return [a for a in alias_ids if a not in typed]


def record_label_keys(session: Session) -> set[str]:
    """The keys of every venue label on a source record."""
    rows = session.exec(select(SourceRecord.venue_label).distinct())
    return {venue_key(label) for label in rows if label}


def restore_created(session: Session, rows: dict[str, Any]) -> None:
    """Redo of such a change: the same venues and labels, under the same ids. A venue merged
    into another since stays merged (its id points there), and its labels go where it went."""
    for row in rows["venues"]:
        if session.get(Venue, row["id"]) is None and session.get(MergedVenue, row["id"]) is None:
            insert_venue(session, row)
    for row in rows["aliases"]:
        if session.get(VenueAlias, row["id"]) is None and alias_for(session, row["label"]) is None:
            insert_alias(session, {**row, "venue_id": live_venue_id(session, row["venue_id"])})


def add_merged(session: Session, venue_id: int, into_id: int) -> None:
    session.add(MergedVenue(id=venue_id, into_id=into_id))
    session.flush()


def remove_merged(session: Session, venue_ids: list[int]) -> None:
    if venue_ids:
        session.execute(delete(MergedVenue).where(col(MergedVenue.id).in_(venue_ids)))


def add_rejection(session: Session, keys: list[str], rejection_id: int | None = None) -> int:
    row = VenueRejection(id=rejection_id, keys=sorted(keys))
    session.add(row)
    session.flush()
    return row.id or 0


def remove_rejection(session: Session, rejection_id: int) -> None:
    session.execute(delete(VenueRejection).where(VenueRejection.id == rejection_id))  # type: ignore[arg-type]
