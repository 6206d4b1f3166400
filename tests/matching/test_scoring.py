"""Scoring: ids, titles, abstracts and authors move a pair the right way, and say why."""

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from curator.domain.matching import Band, WorkFeatures
from curator.matching.model import DEFAULT, INDEX, LEVEL
from curator.matching.scoring import band_of, compare, prepare, score, score_prepared, vetoes

from .factory import REWORDED, work


def said(text: str, reasons: list[str]) -> bool:
    """Whether a reason says `text` (each is followed by its weight and where it came from)."""
    return any(r == text or r.startswith(text + " (") for r in reasons)


def test_identical_copies_are_sure_and_say_why() -> None:
    value, reasons = score(work(1), work(2))
    assert band_of(value) is Band.SURE
    assert said("titles identical", reasons)
    assert said("abstracts identical", reasons)
    assert said("3 of 3 authors in common", reasons)


def test_same_arxiv_id_is_near_certain() -> None:
    a = work(1, title=None, abstract=None, authors=(), arxiv_id="2310.10631")
    b = work(2, abstract=None, arxiv_id="2310.10631v1")
    value, reasons = score(a, b)
    assert band_of(value) is Band.SURE
    assert reasons[0].startswith("same arXiv id 2310.10631 (")


def test_conflicting_dois_push_a_pair_down() -> None:
    same, _ = score(work(1, doi="10.1/a"), work(2, doi="10.1/a"))
    conflicting, reasons = score(work(1, doi="10.1/a"), work(2, doi="10.1/b"))
    assert conflicting < same
    assert band_of(conflicting) is not Band.SURE
    assert said("different DOIs: 10.1/a vs 10.1/b", reasons)


def test_incomplete_author_list_is_not_a_disagreement() -> None:
    owner_only = work(2, authors=("Alex Loftus",))
    with_owner, _ = score(work(1), owner_only)
    without_authors, _ = score(work(1), work(2, authors=()))
    assert with_owner == without_authors
    disjoint, reasons = score(work(1), work(2, authors=("Ann Other", "Bob Else")))
    assert disjoint < with_owner
    assert said("no authors in common (3 vs 2 authors)", reasons)


def test_reworded_untitled_copy_is_a_duplicate_and_titles_are_quoted() -> None:
    value, reasons = score(work(1), work(2, title=None, abstract=REWORDED, authors=()))
    assert band_of(value) in (Band.SURE, Band.LIKELY)
    assert any(r.startswith("abstracts ") and "alike" in r for r in reasons)
    _, reasons = score(work(1), work(2, title="Llemma: An Open Language Model for Maths"))
    assert any(r.startswith("titles 9") and "'Llemma: An Open Language" in r for r in reasons)


def test_series_parts_and_distant_years_are_not_sure() -> None:
    part1 = work(1, title="Deep learning for proofs, Part I", abstract=None)
    part2 = work(2, title="Deep learning for proofs, Part II", abstract=None)
    value, reasons = score(part1, part2)
    assert band_of(value) is None
    assert said("title numbers differ: i vs ii", reasons)
    value, reasons = score(work(1, year=2015), work(2, year=2023, abstract=REWORDED))
    assert said("years differ: 2015 vs 2023", reasons)


def test_generic_titles_alone_are_not_returned() -> None:
    a = WorkFeatures(1, "Editorial", None, ("Ann Editor",), 2001, "J", None, None, None)
    b = WorkFeatures(2, "Editorial", None, ("Bob Chief",), 2009, "J", None, None, None)
    assert band_of(score(a, b)[0]) is None


text = st.one_of(st.none(), st.text(max_size=60))
works = st.builds(
    WorkFeatures,
    id=st.integers(1, 10),
    title=text,
    abstract=st.one_of(st.none(), st.text(max_size=200), st.just(REWORDED)),
    authors=st.lists(st.sampled_from(["A. Ng", "Ng, Andrew", "Bo Li", "others"]), max_size=3).map(
        tuple
    ),
    year=st.one_of(st.none(), st.integers(1990, 2030)),
    venue=st.one_of(st.none(), st.sampled_from(["ICLR", "NeurIPS"])),
    venue_kind=st.none(),
    arxiv_id=st.one_of(st.none(), st.sampled_from(["2310.10631", "2401.00001"])),
    doi=st.one_of(st.none(), st.sampled_from(["10.1/a", "10.1/b"])),
)


@settings(max_examples=150, deadline=None)
@given(works, works)
def test_score_is_symmetric_and_within_unit_interval(a: WorkFeatures, b: WorkFeatures) -> None:
    ab, _ = score(a, b)
    ba, _ = score(b, a)
    assert 0.0 <= ab <= 1.0
    assert ab == ba


def _printed(id: int, venue: str, volume: str | None, pages: str | None) -> WorkFeatures:
    title = "Comparison of human papillomavirus distribution in cytologic subgroups"
    authors = ("R. E. Zuna", "S. S. Wang", "M. Schiffman")
    return WorkFeatures(id, title, None, authors, 2006, venue, "journal", None, None, volume, pages)


def test_the_same_volume_and_first_page_make_two_printings_one_article() -> None:
    value, reasons = score(
        _printed(1, "Cancer", "108", "288-297"), _printed(2, "Cancer", "108", "288--97")
    )
    assert band_of(value) is Band.SURE
    assert said("same volume and first page: 108, p. 288", reasons)


def test_other_pages_or_volume_tell_a_second_publication_apart() -> None:
    conference = _printed(1, "Stroke", "41", "e494")
    journal = _printed(2, "Canadian Journal of Neurological Sciences", "37", "S99")
    value, reasons = score(conference, journal)
    assert said("pages differ: e494 vs s99", reasons)
    assert band_of(value) is not Band.SURE and not (band_of(value) or Band.POSSIBLE).is_duplicate


def test_mangled_pages_say_nothing() -> None:
    value, reasons = score(
        _printed(1, "Cancer", "108", "2665-2668"), _printed(2, "Cancer", "108", "t-8")
    )
    assert not any("pages" in r for r in reasons)
    assert band_of(value) is not None and band_of(value).is_duplicate  # type: ignore[union-attr]


def _by(*authors: str) -> WorkFeatures:
    title = "Learning to rank with partially labelled data"
    return WorkFeatures(1, title, None, authors, 2019, None, None, None, None)


def test_names_in_the_other_order_typos_and_mojibake_are_the_same_people() -> None:
    inverted = score(_by("Ching-yi, Wu", "Mei Lin"), _by("Wu, Ching-yi", "Lin, Mei"))[1]
    assert said("2 of 2 authors in common", inverted)
    typo = score(_by("Scott Fahlmann", "Bo Li"), _by("S. Fahlman", "Bo Li"))[1]
    assert said("2 of 2 authors in common", typo)
    broken = score(_by("RenÃ©e Dubois", "Bo Li"), _by("Renée Dubois", "Bo Li"))[1]
    assert said("2 of 2 authors in common", broken)
    others = score(_by("Ann Smith", "Bo Li"), _by("Carl Jones", "Dee Park"))[1]
    assert said("no authors in common (2 vs 2 authors)", others)
    # each side's words belong to other people: Wang Wei and Li Na are not Wei Li and Na Wang
    mixed = score(_by("Wang Wei", "Li Na"), _by("Wei Li", "Na Wang"))[1]
    assert said("no authors in common (2 vs 2 authors)", mixed)


def test_the_same_volume_and_pages_overrule_a_number_typed_wrong_in_the_title() -> None:
    def printed(title: str, volume: str, pages: str) -> WorkFeatures:
        return WorkFeatures(1, title, None, ("A C Guedes", "S M Brenna"), 2007, "IJGC", None,
                            None, None, volume, pages)  # fmt: skip

    right = printed("p16(INK4a) expression does not predict the outcome of CIN 2", "17", "1099-103")
    typo = printed("p6INK4a expression does not predict the outcome of CIN 2", "17", "1099-1103")
    pattern = compare(prepare(right), prepare(typo))
    assert pattern[INDEX["numbers"]] == LEVEL["numbers"]["differ"] and not vetoes(pattern)
    part_two = printed("p16(INK4a) expression does not predict the outcome of CIN 3", "17", "88")
    assert [name for name, _ in vetoes(compare(prepare(right), prepare(part_two)))] == [
        "numbers",
        "place",
    ]
    # two meeting abstracts on one supplement page, or two parts printed back to back: one
    # shared page is not one article, and the number still tells them apart
    for one, two in (("S99", "S99"), ("945-948", "948-961")):
        hpv16 = printed("Persistence of HPV16 in women with normal cytology", "17", one)
        hpv18 = printed("Persistence of HPV18 in women with normal cytology", "17", two)
        assert [n for n, _ in vetoes(compare(prepare(hpv16), prepare(hpv18)))] == ["numbers"]


def test_a_veto_holds_only_where_the_catalog_finds_it_strong() -> None:
    """Citations typed by hand disagree on pages often; where the catalog's weights show it
    (other pages barely less likely among copies), other pages no longer make a version."""
    pattern = compare(
        prepare(_printed(1, "Cancer", "108", "288-297")),
        prepare(_printed(2, "Cancer", "108", "301-309")),
    )
    assert [name for name, _ in vetoes(pattern)] == ["place"]
    weights = [list(row) for row in DEFAULT.weights]
    weights[INDEX["place"]][LEVEL["place"]["pages_differ"]] = -1.0
    lenient = replace(DEFAULT, weights=tuple(tuple(row) for row in weights))
    assert vetoes(pattern, lenient) == []


def test_a_part_and_the_whole_differ_and_a_part_number_veto_always_holds() -> None:
    whole = work(1, title="Kernel methods for graphs", abstract=None)
    part = work(2, title="Kernel methods for graphs: foundations, Part I", abstract=None)
    pattern = compare(prepare(whole), prepare(part))
    assert pattern[INDEX["numbers"]] == LEVEL["numbers"]["differ"]
    weights = [list(row) for row in DEFAULT.weights]
    weights[INDEX["numbers"]][LEVEL["numbers"]["differ"]] = -0.5  # a catalog that learned little
    lenient = replace(DEFAULT, weights=tuple(tuple(row) for row in weights))
    assert [name for name, _ in vetoes(pattern, lenient)] == ["numbers"]


def test_a_technical_report_and_the_journal_paper_are_two_versions() -> None:

    paper = _printed(1, "Machine Learning", "19", "45-77")
    report = replace(paper, id=2, venue="University of Massachusetts", venue_kind="other",
                     volume=None, pages=None, entry_type="techreport")  # fmt: skip
    assert [name for name, _ in vetoes(compare(prepare(paper), prepare(report)))] == ["form"]
    _, reasons = score(paper, report)
    assert said("a report or thesis and a paper in a journal or proceedings", reasons)


def test_authors_and_year_alone_are_never_sure() -> None:
    """However strong a catalog makes them (cora's weights give such pairs 0.996)."""
    untitled = prepare(work(2, title=None, abstract=None))
    value, _, evidence = score_prepared(prepare(work(1)), untitled, adjust=20.0)
    assert band_of(value) is Band.LIKELY
    assert any(r.startswith("no title or abstract to compare") for _, r in evidence)
    with_abstract, _, evidence = score_prepared(
        prepare(work(1, title=None)), prepare(work(2, title=None)), adjust=20.0
    )
    assert band_of(with_abstract) is Band.SURE
    assert not any(r.startswith("no title or abstract") for _, r in evidence)
    with_id, _, _ = score_prepared(
        prepare(work(1, doi="10.1/x")), prepare(work(2, title=None, abstract=None, doi="10.1/x"))
    )
    assert band_of(with_id) is Band.SURE
