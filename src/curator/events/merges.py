"""Merges: several works made one (by hand or in bulk), and unmerge, each exactly reversible."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from curator.domain.errors import CuratorError
from curator.events.base import (
    Command,
    CreatedRows,
    Kept,
    Payload,
    Touched,
    WorkSnapshot,
    work_keys_touched,
)
from curator.store import queries, snapshots
from curator.store import venues as venue_store


class ChoiceNote(BaseModel):
    """Where a merged field's value came from, and by which rule."""

    model_config = ConfigDict(populate_by_name=True)

    from_work: int | None = Field(default=None, alias="from")
    rule: str


class MergePayload(Payload):
    survivor: int
    absorbed: list[int]
    before: dict[int, WorkSnapshot]  # every work as it was
    after: WorkSnapshot  # the survivor as the merge left it
    records: dict[int, list[int]]  # each work's source records before the merge
    choices: dict[str, ChoiceNote]
    created: CreatedRows = CreatedRows()  # a venue typed for the merge

    @property
    def ids(self) -> list[int]:
        return list(self.before)


def merge_touches(merge: MergePayload, *now: WorkSnapshot) -> set[tuple[str, Any]]:
    """Every work of a merge and which records it holds, the venues and keys their snapshots
    (and `now`) hold, and what the merge created: undoing it restores all of them."""
    snapshots_ = [*merge.before.values(), merge.after, *now]
    venues = {("venue", w["venue_id"]) for w in snapshots_ if w.get("venue_id") is not None}
    keys = work_keys_touched(*snapshots_)
    ids = {*merge.before, merge.survivor, *merge.absorbed}
    works = {("work", w) for w in ids} | {("records", w) for w in ids}
    return works | venues | keys | merge.created.touched()


def _upgrade_merge(raw: dict[str, Any]) -> dict[str, Any]:
    """Merges before catalog version 4 did not record a venue typed for them."""
    return {**raw, "version": 2, "created": raw.get("created") or {}}


def apply_merge(s: Session, merge: MergePayload) -> None:
    venue_store.restore_created(s, merge.created.rows())
    for wid in merge.absorbed:
        snapshots.move_records(s, merge.records[wid], merge.survivor)
        snapshots.delete_work(s, wid)
    snapshots.restore(s, merge.after)


def restore_merge(s: Session, merge: MergePayload) -> None:
    """Put every work of a merge back exactly as it was before, records included."""
    for wid in merge.absorbed:
        if snapshots.exists(s, wid):
            raise CuratorError(f"work {wid} exists again; this merge was already undone")
    owned = set(snapshots.records_of(s, [merge.survivor])[merge.survivor])
    for wid in merge.absorbed:
        if set(merge.records[wid]) - owned:
            raise CuratorError(
                f"records of work {wid} have moved on since (a later merge); undo that first"
            )
    _check_keys_free(s, merge)
    snapshots.restore(s, merge.before[merge.survivor])  # first: it may hold their key
    for wid in merge.absorbed:
        snapshots.restore(s, merge.before[wid])
        snapshots.move_records(s, merge.records[wid], wid)
    venue_store.drop_created(s, merge.created.rows())


def _check_keys_free(s: Session, merge: MergePayload) -> None:
    """The works come back with their citation keys: refuse if another work took one since."""
    for wid, before in merge.before.items():
        key = before.get("citation_key")
        other = queries.work_with_citation_key(s, key, other_than=merge.ids) if key else None
        if other is not None:
            raise CuratorError(
                f"work {other} now has the citation key {key!r} that work {wid} had; "
                "change that key first"
            )


class Merge(Command[MergePayload]):
    kind = "merge"
    payload_type = MergePayload

    def apply(self, s: Session) -> None:
        apply_merge(s, self.payload)

    def revert(self, s: Session) -> Kept | None:
        restore_merge(s, self.payload)
        return None

    def touches(self) -> Touched:
        return frozenset(merge_touches(self.payload))

    @classmethod
    def upgrade(cls, raw: dict[str, Any]) -> dict[str, Any]:
        return _upgrade_merge(raw)


class AutoMergePayload(Payload):
    merges: list[MergePayload]

    @property
    def n_works(self) -> int:
        return sum(len(m.absorbed) + 1 for m in self.merges)


class AutoMerge(Command[AutoMergePayload]):
    """Every sure group merged in one step."""

    kind = "auto-merge"
    payload_type = AutoMergePayload

    def apply(self, s: Session) -> None:
        for merge in self.payload.merges:
            apply_merge(s, merge)

    def revert(self, s: Session) -> Kept | None:
        for merge in reversed(self.payload.merges):
            restore_merge(s, merge)
        return None

    def touches(self) -> Touched:
        return frozenset().union(*(merge_touches(m) for m in self.payload.merges))

    @classmethod
    def upgrade(cls, raw: dict[str, Any]) -> dict[str, Any]:
        return {**raw, "version": 2, "merges": [_upgrade_merge(m) for m in raw["merges"]]}


class UnmergePayload(Payload):
    merge_event: int  # the merge (or auto-merge) event undone
    merge: MergePayload
    survivor_now: WorkSnapshot  # the survivor as it was when unmerged (edits since kept)
    # the venues and labels the merge typed, as they were when unmerged (renamed, moved,
    # merged away since): what undoing the unmerge brings back; older unmerges: as typed
    created_now: CreatedRows | None = None


class Unmerge(Command[UnmergePayload]):
    kind = "unmerge"
    payload_type = UnmergePayload

    def apply(self, s: Session) -> None:
        restore_merge(s, self.payload.merge)

    def revert(self, s: Session) -> Kept | None:
        created = self.payload.created_now or self.payload.merge.created
        update = {"after": self.payload.survivor_now, "created": created}
        apply_merge(s, self.payload.merge.model_copy(update=update))
        return None

    def touches(self) -> Touched:
        p = self.payload
        created = p.created_now.touched() if p.created_now else set()
        return frozenset(merge_touches(p.merge, p.survivor_now) | created)

    @classmethod
    def upgrade(cls, raw: dict[str, Any]) -> dict[str, Any]:
        return {**raw, "version": 2, "merge": _upgrade_merge(raw["merge"])}
