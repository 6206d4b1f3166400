"""A command per kind of change: its typed, versioned payload, and how to apply and revert it.

The payload is what the log stores: a pydantic model whose `version` says its shape. A payload
written by an older curator is brought to the current shape by its command's `upgrade` before
it is validated, so the code below only ever sees the current shape.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Generic, Self, TypeVar

from pydantic import BaseModel, ConfigDict
from sqlmodel import Session

from curator.domain.bibfields import key_aliases

Kept = dict[str, Any]  # what a revert removed and its redo must bring back (rows, as JSON)
WorkSnapshot = dict[str, Any]  # every column of a work, JSON-ready (store.snapshots)
# What a change touches, as ("work", 12), ("venue", 3), ("alias", 7), ("key", "smith2020")...
Touched = frozenset[tuple[str, Any]]
EVERYTHING: Touched = frozenset({("catalog", "all")})

KEY_OF = "key of"  # a work's citation key column (`key_of`)

CURRENT = 2  # version 1: the untyped payloads written before commands had classes


class Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    version: int = CURRENT


class VenueRow(BaseModel):
    id: int
    name: str
    short_name: str | None = None
    kind: str = "other"
    parent_id: int | None = None


class AliasRow(BaseModel):
    id: int | None = None
    label_key: str
    label: str
    venue_id: int
    note: str | None = None


class CreatedRows(BaseModel):
    """Venues and labels a change created along the way: its undo removes them (unless
    something has come to use them since) and its redo brings them back under the same ids."""

    venues: list[VenueRow] = []
    aliases: list[AliasRow] = []

    def rows(self) -> dict[str, Any]:
        return self.model_dump()

    def touched(self) -> set[tuple[str, Any]]:
        return {("venue", v.id) for v in self.venues} | {
            ("alias", a.id) for a in self.aliases if a.id is not None
        }

    def __bool__(self) -> bool:
        return bool(self.venues or self.aliases)


P = TypeVar("P", bound=Payload)


class Command(ABC, Generic[P]):
    """One kind of change. Services build the payload, then `apply` it (or apply as they
    plan) and record it in the log; undo calls `revert`, redo `reapply`."""

    kind: ClassVar[str]
    payload_type: ClassVar[type[Payload]]
    keeps_on_revert: ClassVar[bool] = False  # revert returns rows its redo needs back
    # A change made on the way, not asked for (an export's citation keys): undo passes over
    # it to the librarian's own last change (`curator.events.log`)
    quiet: ClassVar[bool] = False

    def __init__(self, payload: P) -> None:
        self.payload = payload

    @classmethod
    def upgrade(cls, raw: dict[str, Any]) -> dict[str, Any]:
        """A stored payload in the current shape. Version 1 payloads had no version field;
        where their shape differs, a command overrides this."""
        return {**raw, "version": CURRENT}

    @classmethod
    def load(cls, raw: dict[str, Any]) -> Self:
        payload = cls.payload_type.model_validate(cls.upgrade(dict(raw)))
        return cls(payload)  # type: ignore[arg-type]

    def dump(self) -> dict[str, Any]:
        return self.payload.model_dump(mode="json", by_alias=True)

    @abstractmethod
    def apply(self, s: Session) -> None:
        """Make the change (again) from the payload alone."""

    @abstractmethod
    def revert(self, s: Session) -> Kept | None:
        """Take the change back; return what a redo needs that the payload lacks."""

    def reapply(self, s: Session, kept: Kept | None) -> None:
        """Redo after an undo: by default, apply again."""
        self.apply(s)

    def touches(self) -> Touched:
        """The works, venues, labels, citation keys and decisions this change wrote or relies
        on, by id. A change is undone past a later one (or redone before an earlier one) only
        if the two touch nothing in common. By default a change touches everything: a kind
        that does not say what it touches is never taken out of order."""
        return EVERYTHING


def shared(a: Touched, b: Touched) -> tuple[str, Any] | None:
    """Something both changes touch (a work if any: what a librarian recognises first), or
    None if they are independent."""
    for side in (a, b):
        if side & EVERYTHING:
            return next(iter(EVERYTHING))
    order = {"work": 0, KEY_OF: 2}  # a work first; a key column last (its key says more)
    return min(a & b, key=lambda token: (order.get(token[0], 1), repr(token)), default=None)


def keys_touched(*keys: object) -> set[tuple[str, Any]]:
    """Citation keys, as BibTeX compares them (ignoring case)."""
    return {("key", k.lower()) for k in keys if isinstance(k, str) and k}


def key_of(*work_ids: int) -> set[tuple[str, Any]]:
    """The citation key column of works, whatever it holds: what a change that writes it back
    (a merge's undo restoring a snapshot) shares with the keys an export gave those works."""
    return {(KEY_OF, w) for w in work_ids}


def work_keys_touched(*works: dict[str, Any]) -> set[tuple[str, Any]]:
    """The keys works (snapshots, or an edit's sides) hold: each citation key and the other
    keys its `ids` field answers to, which no other work may take as its own; for a snapshot
    (it has an id), its key column too, which restoring the snapshot overwrites."""
    extras = (w.get("extra") for w in works)
    aliases = [k for extra in extras if isinstance(extra, dict) for k in key_aliases(extra)]
    columns = key_of(*(w["id"] for w in works if isinstance(w.get("id"), int)))
    return keys_touched(*(w.get("citation_key") for w in works), *aliases) | columns
