"""An import: a file's new works and records; undone by taking them out, redone by putting the
very same rows back (a file may be gone or changed by the time of the redo)."""

from __future__ import annotations

from pydantic import Field
from sqlmodel import Session

from curator.events.base import (
    EVERYTHING,
    Command,
    CreatedRows,
    Kept,
    Payload,
    Touched,
    keys_touched,
)
from curator.store import venues as venue_store
from curator.store.rows import put_rows, take_rows


class ImportPayload(Payload):
    batch_id: int
    source_file: str
    work_ids: list[int]
    record_ids: list[int]
    venues_created: list[int] = Field(default_factory=list)
    aliases_created: list[int] = Field(default_factory=list)
    # the venues and labels its records resolved to, created or already there, and the
    # citation keys they kept; None in imports recorded before these were (they touch all)
    venues_used: list[int] | None = None
    aliases_used: list[int] | None = None
    keys: list[str] | None = None


class Import(Command[ImportPayload]):
    kind = "import"
    payload_type = ImportPayload
    keeps_on_revert = True

    def apply(self, s: Session) -> None:
        """An import is made by the import service; only its redo puts rows back."""
        raise NotImplementedError("an import is redone from the rows its undo kept")

    def revert(self, s: Session) -> Kept | None:
        p = self.payload
        created = venue_store.created_rows(s, p.venues_created, p.aliases_created)
        kept = {
            "records": take_rows(s, "sourcerecord", p.record_ids),
            "works": take_rows(s, "work", p.work_ids),
            "batch": take_rows(s, "importbatch", [p.batch_id]),
            "created": created,
        }
        venue_store.drop_created(s, created)
        return kept

    def reapply(self, s: Session, kept: Kept | None) -> None:
        if kept is None:
            raise ValueError("the redo of an import needs the rows its undo kept")
        venue_store.restore_created(s, CreatedRows.model_validate(kept["created"]).rows())
        put_rows(s, "importbatch", kept["batch"])
        put_rows(s, "work", kept["works"])
        put_rows(s, "sourcerecord", kept["records"])

    def touches(self) -> Touched:
        """Its works (each record came with a work of its own), its batch, the venues and
        labels its records use (a later split or rename of one moves or drops what they rely
        on) and the keys they hold. An import recorded before it kept the venues, labels and
        keys it used touches everything: it is never taken out of order."""
        p = self.payload
        if p.venues_used is None or p.aliases_used is None or p.keys is None:
            return EVERYTHING
        return frozenset(
            [("work", w) for w in p.work_ids]
            + [("records", w) for w in p.work_ids]
            + [("batch", p.batch_id)]
            + [("venue", v) for v in {*p.venues_created, *p.venues_used}]
            + [("alias", a) for a in {*p.aliases_created, *p.aliases_used}]
            + sorted(keys_touched(*p.keys))
        )
