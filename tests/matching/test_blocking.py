"""Blocking: twins meet on some key, generic titles cannot explode, incremental scans stay local."""

from dataclasses import replace

from hypothesis import example, given, settings
from hypothesis import strategies as st

from curator.domain.matching import WorkFeatures
from curator.domain.progress import drain as run
from curator.matching.blocking import (
    RULES,
    BlockingRules,
    TokenCache,
    block,
    describe_keys,
    shared_keys,
)

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
    """Sixty works on one generic theme: each meets a few neighbours, not all the others."""
    found = pairs_by_id(catalog(60))
    assert len(found) <= 60 * (RULES.neighbours + RULES.author_year_neighbours) < 60 * 59 // 2


def test_a_copy_that_lost_its_title_meets_its_copies_by_first_author_and_year() -> None:
    titled = WorkFeatures(1, "Instance-based learning algorithms", None, ("D. W. Aha", "D. Kibler"),
                          1991, "Machine Learning", None, None, None)  # fmt: skip
    untitled = WorkFeatures(2, None, None, ("David W Aha", "Dennis Kibler"), 1991, None, None,
                            None, None)  # fmt: skip
    other_year = WorkFeatures(3, None, None, ("D. Aha",), 1994, None, None, None, None)
    blocking = run(block([titled, untitled, other_year], rules=BlockingRules(author_year=False)))
    assert {blocking.unpack(p) for p in blocking.pairs} == {(0, 1)}
    assert describe_keys(shared_keys(blocking, 0, 1)) == ["first author and year aha 1991"]


def test_generic_title_block_is_capped() -> None:
    rules = BlockingRules(max_exact_block=10)
    editorials = [
        WorkFeatures(i, "Editorial", None, (f"Editor{i} Person",), 2000 + i, None, None, None, None)
        for i in range(1, 40)
    ]
    blocking = run(block(editorials, rules=rules))
    # too big to pair all: each meets the next few by title (a sorted neighbourhood), and the
    # block is reported; whether "Editorial" twice is one paper is the scorer's question
    assert blocking.capped_blocks == [(("title", "editorial"), 39)]
    assert len(blocking.pairs) == sum(min(rules.neighbours, 38 - i) for i in range(39))


def test_incremental_scan_only_pairs_new_works() -> None:
    old = [*catalog(), work(1), work(2)]
    new = [work(3, title="LLEMMA: an open language model for mathematics")]
    found = pairs_by_id(old + new, new_ids={3})
    assert found == {(1, 3), (2, 3)}


def test_identical_arxiv_ids_meet_without_any_text() -> None:
    a = work(1, title=None, abstract=None, arxiv_id="2310.10631")
    b = replace(a, id=2, arxiv_id="arXiv:2310.10631v2")
    assert (1, 2) in pairs_by_id([*catalog(), a, b])


_WORDS = [f"{initial}word{i}" for initial in "abc" for i in range(20)]
_texts = st.lists(st.sampled_from(_WORDS), min_size=0, max_size=20).map(" ".join)
_work = st.tuples(
    _texts,
    _texts,
    st.sampled_from(["Ann Wang", "Bo Wang", "Li Chen", ""]),
    st.sampled_from([2019, 2020, None]),
    st.sampled_from([None, "10.1/x", "10.1/y"]),
)
_TIGHT = BlockingRules(max_author_year_block=2, max_block=3, max_exact_block=3, neighbours=1)


@settings(max_examples=100, deadline=None)
@example(  # six untitled works of one author and year: new ones must meet the same neighbours
    items=[("", "", "Ann Wang", 2019, None)] * 6, new_share=1, rules=_TIGHT
)
@given(
    items=st.lists(_work, min_size=2, max_size=40),
    new_share=st.integers(min_value=1, max_value=5),
    rules=st.sampled_from([RULES, _TIGHT]),
)
def test_incremental_scan_finds_every_pair_a_full_scan_finds_for_new_works(
    items: list[tuple[str, str, str, int | None, str | None]],
    new_share: int,
    rules: BlockingRules,
) -> None:
    """Every key kind (words, whole titles, first author and year, DOIs), blocks small enough
    to be capped: a scan of new works meets everything a full scan pairs them with."""
    works = [
        WorkFeatures(i, t or None, ab or None, (au,) if au else (), y, None, None, None, doi)
        for i, (t, ab, au, y, doi) in enumerate(items)
    ]
    new_ids = {w.id for w in works[:: 6 - new_share]}
    full = {p for p in pairs_by_id(works, rules=rules) if p[0] in new_ids or p[1] in new_ids}
    incremental = pairs_by_id(works, new_ids=new_ids, rules=rules)
    assert full <= incremental
    assert all(a in new_ids or b in new_ids for a, b in incremental)


def test_token_cache_rereads_only_changed_works_and_keeps_frequencies_exact() -> None:
    cache = TokenCache()
    first = [*catalog(), work(1), work(2)]
    before = run(cache.refresh(first))
    edited = replace(first[-1], title="Llemma revisited")
    second = [*first[1:-1], edited, work(3, abstract="A new abstract with new words only")]
    after = run(cache.refresh(second))
    assert after[0] is before[1]  # unchanged work: same tokens, not read again
    assert after[-2].title == "llemma revisited"
    fresh = TokenCache()
    run(fresh.refresh(second))
    assert +cache.title_df == +fresh.title_df  # unary + drops the zero counts of removed words
    assert +cache.abstract_df == +fresh.abstract_df
    # a field tokens are not made from (the venue) reads nothing again; the first author does
    third = [replace(second[0], venue="Elsewhere"), replace(second[1], authors=("Zed Q",))]
    again = run(cache.refresh(third))
    assert again[0] is after[0] and again[1] is not after[1]
    assert again[1].author_year.startswith("q ")


def test_a_cancelled_refresh_leaves_no_half_counted_words() -> None:
    works = [replace(work(i), title=f"Shared word paper {i}") for i in range(12_000)]
    cache = TokenCache()
    run(cache.refresh(works))
    refresh = cache.refresh([*works, work(99_999)])
    next(refresh)  # one progress step of the next scan, then the scan is cancelled
    refresh.close()
    run(cache.refresh(works))
    assert cache.title_df["shared"] == 12_000
