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


def test_a_merge_folds_the_queue_as_many_pairs_as_it_settles(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    """The queue loses exactly the pairs a merge settles (`merged_away`), so the progress
    total holds at once; each other work keeps its best pair, now with the survivor, until a
    scan of the survivor weighs it anew."""
    from curator.domain.matching import Candidate
    from curator.ui.review.deciding import merged_away

    def pair(a: int, b: int, score: float = 0.9) -> Candidate:
        return Candidate(a, b, score, Band.SURE, ())

    queue = [pair(1, 2), pair(1, 3), pair(2, 3), pair(2, 9, 0.5), pair(3, 9, 0.7), pair(8, 9)]
    model = CandidateModel()
    model.set_candidates(queue, {})
    model.fold([1, 2, 3], 2)
    assert model.rowCount() == len(queue) - merged_away(queue, [1, 2, 3])
    assert {(c.works, c.score) for c in model.open_candidates()} == {((2, 9), 0.7), ((8, 9), 0.9)}
    qtmodeltester.check(model)
    model.add([pair(2, 5)], {}, scanned=[2])  # the scan of the merged work: 2-9 is gone
    assert {c.works for c in model.open_candidates()} == {(2, 5), (8, 9)}
    qtmodeltester.check(model)
