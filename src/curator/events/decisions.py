"""Decisions about pairs: not duplicates, or related versions; remembered by fingerprints.

One event holds one pair, or every pair of a group the librarian decided at once (the works
shown side by side): one step, so one undo takes back every pair of it.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from sqlmodel import Session

from curator.events.base import Command, Kept, Payload, Touched
from curator.store import snapshots


class DecidedPair(BaseModel):
    """A further pair of a group decision, in the same shape as the payload's first pair."""

    works: list[int]
    fp: list[str]
    decision_id: int | None = None


class DecisionPayload(Payload):
    kind: str  # "distinct" or "related"
    works: list[int]  # the (first) pair's two works, for display
    fp: list[str]  # a content hash of one source record on each side
    decision_id: int | None = None
    # the other pairs decided in the same step (a group): a field added with a default, so
    # every payload written before reads as it was, a decision about one pair
    more: list[DecidedPair] = Field(default_factory=list)

    def pairs(self) -> list[DecidedPair]:
        first = DecidedPair(works=self.works, fp=self.fp, decision_id=self.decision_id)
        return [first, *self.more]

    def works_decided(self) -> list[int]:
        """Every work of the decision, each once, in the order decided."""
        return list(dict.fromkeys(w for pair in self.pairs() for w in pair.works))


class _Decide(Command[DecisionPayload]):
    payload_type = DecisionPayload
    keeps_on_revert = True

    def apply(self, s: Session) -> None:
        self._add(s, [None] * len(self.payload.pairs()))

    def _add(self, s: Session, kept: list[Kept | None]) -> None:
        ids = []
        for pair, was in zip(self.payload.pairs(), kept, strict=True):
            (a, b), (fp_a, fp_b) = pair.works, pair.fp
            decision_id = was["id"] if was else pair.decision_id
            decided_at = datetime.fromisoformat(was["decided_at"]) if was else None
            ids.append(
                snapshots.add_decision(
                    s, self.payload.kind, fp_a, fp_b, a, b, decision_id, decided_at
                )
            )
        self.payload.decision_id = ids[0]
        for pair, decision_id in zip(self.payload.more, ids[1:], strict=True):
            pair.decision_id = decision_id

    def revert(self, s: Session) -> Kept | None:
        """Take every pair's decision back; keep when each was made, for a redo."""
        found = snapshots.decisions(s)
        kept: list[Kept | None] = []
        for pair in self.payload.pairs():
            was = None
            for d in found:
                if [d.fp_a, d.fp_b] == pair.fp and d.kind == self.payload.kind:
                    was = {"id": d.id, "decided_at": d.created_at.isoformat()}
                    snapshots.remove_decision(s, d.id or 0)
            kept.append(was)
        return {"pairs": kept}

    def reapply(self, s: Session, kept: Kept | None) -> None:
        n = len(self.payload.pairs())
        if kept is None:
            pairs: list[Kept | None] = [None] * n
        elif "pairs" in kept:
            pairs = kept["pairs"]
        else:  # kept by the undo of a curator that decided one pair a step
            pairs = [kept, *[None] * (n - 1)]
        self._add(s, pairs)

    def touches(self) -> Touched:
        """Each pair's decision and which records each of its works holds: a decision is kept
        by one record's fingerprint on each side, so undoing a merge or an import under it
        would hand it to another pair. An edit of the works leaves it where it is."""
        decided = {("decision", tuple(sorted(pair.fp))) for pair in self.payload.pairs()}
        held = {("records", w) for w in self.payload.works_decided()}
        return frozenset(decided | held)


class Distinct(_Decide):
    """Not duplicates: the pairs never come back as candidates."""

    kind = "distinct"


class Related(_Decide):
    """Versions of one paper: linked, not merged, not offered again."""

    kind = "related"
