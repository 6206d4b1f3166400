"""The scan: progress as it goes, cancellable, candidates best first with readable reasons."""

from curator.domain.matching import Band, Candidate
from curator.domain.progress import Progress
from curator.domain.progress import drain as run
from curator.matching.engine import is_duplicate, scan

from .factory import REWORDED, catalog, work


def test_scan_yields_progress_and_returns_sorted_candidates() -> None:
    works = [*catalog(), work(1), work(2), work(3, title=None, abstract=REWORDED, authors=())]
    gen = scan(works)
    steps = []
    try:
        while True:
            steps.append(next(gen))
    except StopIteration as stop:
        found: list[Candidate] = stop.value
    assert steps and all(isinstance(p, Progress) for p in steps)
    assert {(c.a, c.b) for c in found} == {(1, 2), (1, 3), (2, 3)}
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)
    assert found[0].band is Band.SURE and is_duplicate(found[0])
    assert any(r.startswith("met on: ") for r in found[0].reasons)
    assert found[0].keys


def test_closing_the_generator_stops_the_scan() -> None:
    gen = scan([*catalog(), work(1), work(2)])
    next(gen)
    gen.close()
    assert gen.gi_frame is None


def test_incremental_scan_returns_only_pairs_with_new_works() -> None:
    works = [*catalog(), work(1), work(2), work(3)]
    found = run(scan(works, new_ids={3}))
    assert {(c.a, c.b) for c in found} == {(1, 3), (2, 3)}
