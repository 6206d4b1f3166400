"""Blocking: twins meet on some key, generic titles cannot explode, incremental scans stay local."""

from dataclasses import replace

from curator.dedup.blocking import BlockingRules, block
from curator.domain.matching import WorkFeatures
from curator.domain.progress import drain as run

from .factory import REWORDED, catalog, work


def pairs_by_id(works: list[WorkFeatures], **kw) -> set[tuple[int, int]]:
    blocking = run(block(works, **kw))
    found = set()
    for pair in blocking.pairs:
        a, b = blocking.unpack(pair)
        found.add(tuple(sorted((works[a].id, works[b].id))))
    return found


def test_retitled_paper_with_same_abstract_meets_its_twin() -> None:
    works = [*catalog(), work(1), work(2, title="Scaling a maths model on Proof-Pile-2")]
    assert (1, 2) in pairs_by_id(works)


def test_untitled_arxiv_record_with_reworded_abstract_meets_titled_twin() -> None:
    untitled = work(2, title=None, abstract=REWORDED, authors=(), arxiv_id="2310.10631")
    works = [*catalog(), work(1), untitled]
    assert (1, 2) in pairs_by_id(works)


def test_never_all_pairs() -> None:
    assert pairs_by_id(catalog(60)) == set()


def test_generic_title_block_is_capped() -> None:
    rules = BlockingRules(max_exact_block=10)
    editorials = [
        WorkFeatures(i, "Editorial", None, (f"Editor{i} Person",), 2000 + i, None, None, None, None)
        for i in range(1, 40)
    ]
    blocking = run(block(editorials, rules=rules))
    assert blocking.pairs == set()
    assert blocking.skipped_blocks == [(("title", "editorial"), 39)]


def test_incremental_scan_only_pairs_new_works() -> None:
    old = [*catalog(), work(1), work(2)]
    new = [work(3, title="LLEMMA: an open language model for mathematics")]
    found = pairs_by_id(old + new, new_ids={3})
    assert found == {(1, 3), (2, 3)}


def test_identical_arxiv_ids_meet_without_any_text() -> None:
    a = work(1, title=None, abstract=None, arxiv_id="2310.10631")
    b = replace(a, id=2, arxiv_id="arXiv:2310.10631v2")
    assert (1, 2) in pairs_by_id([*catalog(), a, b])
