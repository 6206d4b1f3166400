"""Changes to works' own fields: an edit, the citation keys an export gave, recovered fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from curator.events.base import (
    Command,
    CreatedRows,
    Kept,
    Payload,
    Touched,
    key_of,
    keys_touched,
    work_keys_touched,
)
from curator.store import queries
from curator.store import venues as venue_store
from curator.store.venues import live_venue_id
from curator.store.writes import set_citation_keys, set_work_extra, set_work_fields


class EditPayload(Payload):
    work_id: int
    before: dict[str, Any]  # field -> value; a venue as {"id", "name"} or None
    after: dict[str, Any]
    created: CreatedRows = CreatedRows()
    updated_at: tuple[datetime, datetime] | None = None  # before, after (older edits: none)


class EditWork(Command[EditPayload]):
    kind = "edit"
    payload_type = EditPayload

    def apply(self, s: Session) -> None:
        venue_store.restore_created(s, self.payload.created.rows())
        stamp = self.payload.updated_at
        _set_fields(s, self.payload.work_id, self.payload.after, stamp[1] if stamp else None)

    def revert(self, s: Session) -> Kept | None:
        stamp = self.payload.updated_at
        _set_fields(s, self.payload.work_id, self.payload.before, stamp[0] if stamp else None)
        venue_store.drop_created(s, self.payload.created.rows())
        return None

    @classmethod
    def upgrade(cls, raw: dict[str, Any]) -> dict[str, Any]:
        """Edits before catalog version 4 did not record the venues they created."""
        return {**super().upgrade(raw), "created": raw.get("created") or {}}

    def touches(self) -> Touched:
        """The work, the venues it left and took (and any it created), the keys it swapped
        (its own and those its `ids` answered to)."""
        p = self.payload
        sides = (p.before, p.after)
        venues = {("venue", v["id"]) for v in (side.get("venue") for side in sides) if v}
        keys = work_keys_touched(*sides)
        if any("citation_key" in side for side in sides):  # its undo writes the key back
            keys |= key_of(p.work_id)
        return frozenset({("work", p.work_id)} | venues | keys | p.created.touched())


def _set_fields(
    s: Session, work_id: int, values: dict[str, Any], updated_at: datetime | None
) -> None:
    """An edit's values, a venue given as {"id", "name"} (a merged venue: where it went)."""
    columns = {f: v for f, v in values.items() if f != "venue"}
    if "venue" in values:
        venue = values["venue"]
        columns["venue_id"] = live_venue_id(s, venue["id"]) if venue else None
    set_work_fields(s, work_id, columns, updated_at)


class KeysPayload(Payload):
    keys: dict[int, str]  # work id -> the key an export gave it


class GiveKeys(Command[KeysPayload]):
    """The keys an export gave works that had none: a quiet change (undo passes over it). It
    touches only those keys and those works' key column: its undo clears a work's key only
    while the work still holds the key given, its redo gives one only to a work still without
    a key; a change whose undo writes that column back (a merge, a key edit) waits for it, so
    nothing undone around it loses a key the exported file cites or gives one to two works."""

    kind = "keys"
    payload_type = KeysPayload
    quiet = True

    def apply(self, s: Session) -> None:
        held = queries.keys_by_work(s)
        set_citation_keys(s, {w: k for w, k in self.payload.keys.items() if w not in held})

    def revert(self, s: Session) -> Kept | None:
        held = queries.keys_by_work(s)
        given = self.payload.keys.items()
        set_citation_keys(s, {w: None for w, k in given if held.get(w) == k})
        return None

    def touches(self) -> Touched:
        """The keys given, and the key column of the works given them: a change that writes
        that column back on undo (an edit of the key, a merge restoring its works) would take
        away a key the exported file cites, so it waits for these keys."""
        keys = self.payload.keys
        return frozenset(keys_touched(*keys.values()) | key_of(*keys))


class RecoverPayload(Payload):
    works: dict[int, dict[str, str]]  # work id -> the other BibTeX fields read again


class RecoverFields(Command[RecoverPayload]):
    kind = "recover"
    payload_type = RecoverPayload

    def apply(self, s: Session) -> None:
        set_work_extra(s, dict(self.payload.works))

    def revert(self, s: Session) -> Kept | None:
        set_work_extra(s, {w: {} for w in self.payload.works})
        return None

    def touches(self) -> Touched:
        """The works, and the keys their recovered `ids` fields answer to."""
        works = self.payload.works
        return frozenset(
            {("work", w) for w in works}
            | work_keys_touched(*({"extra": extra} for extra in works.values()))
        )
