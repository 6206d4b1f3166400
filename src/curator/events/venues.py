"""Venue changes (rename, merge, split, kind, short name, parent, reject): one event of steps,
each step applied and reverted from its own data, so undo and redo replay exactly what was done.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from curator.domain.errors import CuratorError
from curator.events.base import AliasRow, Command, Kept, Payload, Touched, VenueRow
from curator.store import venues as store

NotePair = tuple[str | None, str | None]  # (before, after)


class EditStep(BaseModel):
    op: Literal["edit"] = "edit"
    venue: int
    before: dict[str, Any]
    after: dict[str, Any]
    aliases: list[AliasRow] = []  # labels the change created (a new name is also a label)


class MergeStep(BaseModel):
    op: Literal["merge"] = "merge"
    into: int
    absorbed: list[VenueRow]
    works: dict[int, list[int]]  # absorbed venue -> its works
    aliases: dict[int, list[int]]  # absorbed venue -> its labels
    children: dict[int, list[int]]  # absorbed venue -> workshops that were part of it
    alias_notes: dict[int, NotePair] = {}
    work_notes: dict[int, NotePair] = {}


class SplitStep(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    op: Literal["split"] = "split"
    source: int = Field(alias="from")
    venue: VenueRow
    alias: int
    works: list[int]


class RejectStep(BaseModel):
    op: Literal["reject"] = "reject"
    keys: list[str]
    id: int


Step = Annotated[EditStep | MergeStep | SplitStep | RejectStep, Field(discriminator="op")]


def do_step(s: Session, step: Step) -> None:
    if isinstance(step, EditStep):
        store.set_venue_fields(s, step.venue, step.after)
        for row in step.aliases:
            row.id = store.insert_alias(s, row.model_dump())
    elif isinstance(step, MergeStep):
        _do_merge(s, step)
    elif isinstance(step, SplitStep):
        store.insert_venue(s, step.venue.model_dump())
        store.move_aliases(s, [step.alias], step.venue.id)
        store.move_works(s, step.works, step.venue.id)
    else:
        store.add_rejection(s, step.keys, step.id)


def undo_step(s: Session, step: Step) -> None:
    if isinstance(step, EditStep):
        # a label a later import's records carry stays (as every other revert leaves it)
        store.drop_typed_labels(s, [row.id for row in step.aliases if row.id is not None])
        store.set_venue_fields(s, step.venue, step.before)
    elif isinstance(step, MergeStep):
        _undo_merge(s, step)
    elif isinstance(step, SplitStep):
        _undo_split(s, step)
    else:
        store.remove_rejection(s, step.id)


def _do_merge(s: Session, step: MergeStep) -> None:
    for row in step.absorbed:
        store.move_works(s, step.works[row.id], step.into)
        store.move_aliases(s, step.aliases[row.id], step.into)
        store.set_parents(s, step.children[row.id], step.into)
        store.add_merged(s, row.id, step.into)
        store.delete_venue(s, row.id)
    store.set_alias_notes(s, {a: n[1] for a, n in step.alias_notes.items()})
    store.set_work_notes(s, {w: n[1] for w, n in step.work_notes.items()})


def _undo_merge(s: Session, step: MergeStep) -> None:
    store.set_work_notes(s, {w: n[0] for w, n in step.work_notes.items()})
    store.set_alias_notes(s, {a: n[0] for a, n in step.alias_notes.items()})
    for row in step.absorbed:
        store.insert_venue(s, row.model_dump())
        store.remove_merged(s, [row.id])
        store.move_aliases(s, step.aliases[row.id], row.id)
        store.move_works(s, step.works[row.id], row.id)
        store.set_parents(s, step.children[row.id], row.id)


def _undo_split(s: Session, step: SplitStep) -> None:
    """The split's works go back, and every label on the split-off venue, so the venue can
    go: including a label an older change typed for it and its undo left behind (dropped, as
    that undo would now). A work a later change put there is not the split's to move: that
    change touches the venue, so the undo is refused before it comes here."""
    vid, source = step.venue.id, step.source
    store.move_works(s, step.works, source)
    if store.works_of(s, vid):
        raise CuratorError(
            f"works were put on venue {vid} after it was split off; undo that change first"
        )
    later = [a.id or 0 for a in store.aliases(s, vid) if a.id != step.alias]
    store.move_aliases(s, [step.alias, *store.drop_typed_labels(s, later)], source)
    store.set_parents(s, store.children_of(s, vid), source)
    store.delete_venue(s, vid)


def step_touches(step: Step) -> set[tuple[str, Any]]:
    """The venues, labels and works a step moves or changes (a split's undo moves back every
    work and label on the split-off venue, so a later change that put one there touches it)."""
    if isinstance(step, EditStep):
        parents = {v for side in (step.before, step.after) if (v := side.get("parent_id"))}
        venues = {step.venue, *parents}
        return {("venue", v) for v in venues} | {("alias", a.id) for a in step.aliases if a.id}
    if isinstance(step, MergeStep):
        venues = {step.into, *(r.id for r in step.absorbed)}
        venues |= {c for cs in step.children.values() for c in cs}
        works = {w for ws in step.works.values() for w in ws} | set(step.work_notes)
        aliases = {a for aa in step.aliases.values() for a in aa} | set(step.alias_notes)
        return _tokens(venues, works, aliases)
    if isinstance(step, SplitStep):
        return _tokens({step.source, step.venue.id}, set(step.works), {step.alias})
    return {("rejection", step.id)}


def _tokens(venues: set[int], works: set[int], aliases: set[int]) -> set[tuple[str, Any]]:
    return (
        {("venue", v) for v in venues}
        | {("work", w) for w in works}
        | {("alias", a) for a in aliases}
    )


class VenuePayload(Payload):
    steps: list[Step]


class VenueChange(Command[VenuePayload]):
    kind = "venue"
    payload_type = VenuePayload

    def apply(self, s: Session) -> None:
        for step in self.payload.steps:
            do_step(s, step)

    def revert(self, s: Session) -> Kept | None:
        for step in reversed(self.payload.steps):
            undo_step(s, step)
        return None

    def touches(self) -> Touched:
        return frozenset().union(*(step_touches(step) for step in self.payload.steps))
