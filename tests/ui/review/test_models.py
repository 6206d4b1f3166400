"""The review queue's model is a well-behaved Qt model through every change the panel makes."""

from __future__ import annotations

from curator.domain.matching import Band
from curator.services import candidates
from curator.store.catalog import Catalog
from curator.ui.review.queue import CandidateModel


def test_the_candidate_model_passes_the_model_tester(qtmodeltester, seeded: Catalog) -> None:  # type: ignore[no-untyped-def]
    found, rows = candidates.still_open(seeded, candidates.candidates(seeded))
    assert found, "the sample catalog has duplicates"
    model = CandidateModel()
    qtmodeltester.check(model)  # empty
    model.set_candidates(found, rows)
    qtmodeltester.check(model)
    model.set_band(Band.SURE)
    assert all(model.candidate(r).band is Band.SURE for r in range(model.rowCount()))
    qtmodeltester.check(model)
    model.set_band(None)
    first = model.candidate(0)
    model.remove(lambda c: c == first)
    assert model.row_of((first.a, first.b)) is None
    qtmodeltester.check(model)
