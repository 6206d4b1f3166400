"""Decisions about a pair: not duplicates, or related versions; remembered by fingerprints."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from curator.events.base import Command, Kept, Payload, Touched
from curator.store import snapshots


class DecisionPayload(Payload):
    kind: str  # "distinct" or "related"
    works: list[int]  # the two works, for display
    fp: list[str]  # a content hash of one source record on each side
    decision_id: int | None = None


class _Decide(Command[DecisionPayload]):
    payload_type = DecisionPayload
    keeps_on_revert = True

    def apply(self, s: Session) -> None:
        self._add(s, None)

    def _add(self, s: Session, decided_at: datetime | None) -> None:
        (a, b), (fp_a, fp_b) = self.payload.works, self.payload.fp
        self.payload.decision_id = snapshots.add_decision(
            s, self.payload.kind, fp_a, fp_b, a, b, self.payload.decision_id, decided_at
        )

    def revert(self, s: Session) -> Kept | None:
        """Take the decision back; keep when it was made, for a redo."""
        kept = None
        for d in snapshots.decisions(s):
            if [d.fp_a, d.fp_b] == self.payload.fp and d.kind == self.payload.kind:
                kept = {"id": d.id, "decided_at": d.created_at.isoformat()}
                snapshots.remove_decision(s, d.id or 0)
        return kept

    def reapply(self, s: Session, kept: Kept | None) -> None:
        if kept is not None:
            self.payload.decision_id = kept["id"]
        self._add(s, datetime.fromisoformat(kept["decided_at"]) if kept else None)

    def touches(self) -> Touched:
        """The pair's decision and which records each of its works holds: a decision is kept
        by one record's fingerprint on each side, so undoing a merge or an import under it
        would hand it to another pair. An edit of the works leaves it where it is."""
        a, b = self.payload.works
        fp = ("decision", tuple(sorted(self.payload.fp)))
        return frozenset({fp, ("records", a), ("records", b)})


class Distinct(_Decide):
    """Not duplicates: the pair never comes back as a candidate."""

    kind = "distinct"


class Related(_Decide):
    """Versions of one paper: linked, not merged, not offered again."""

    kind = "related"
