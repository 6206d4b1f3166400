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


def test_another_version_goes_to_the_related_band_and_says_why() -> None:
    """A conference abstract and its journal paper: same title and authors, other pages."""
    works = [
        *catalog(),
        work(1, abstract=None, volume="41", pages="e494"),
        work(2, abstract=None, volume="37", pages="S99-S102"),
        work(3, abstract=None, volume="41", pages="e494"),
    ]
    found = {(c.a, c.b): c for c in run(scan(works))}
    assert found[1, 3].band.is_duplicate
    version = found[1, 2]
    assert version.band is Band.RELATED and not is_duplicate(version)
    assert version.reasons[0] == "another version, not a copy: other pages"


def test_every_weight_in_the_reasons_says_where_it_came_from() -> None:
    found = run(scan([*catalog(), work(1), work(2)]))
    weighed = [r for r in found[0].reasons if not r.startswith("met on")]
    assert weighed and all(r.endswith(("default)", "learned)", "your decisions)")) for r in weighed)


def test_a_title_weighs_less_only_when_more_than_the_pair_shares_it() -> None:
    def frequency(found: list[Candidate]) -> list[str]:
        return [r for c in found for r in c.reasons if "works of this catalog share" in r]

    assert not frequency(run(scan([*catalog(), work(1), work(2)])))
    three = run(scan([*catalog(), work(1), work(2), work(3)]))
    assert frequency(three) and all(r.startswith("a title 3 works") for r in frequency(three))


def test_similarity_is_rounded_down_and_never_reads_one_point_low() -> None:
    from curator.matching.scoring import _percent

    assert _percent(1 - 4 / 5) == "20%" and _percent(0.996) == "99%"
