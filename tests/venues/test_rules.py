"""Venue suggestions: each rule finds its case; merges a librarian would call absurd never come."""

from __future__ import annotations

import pytest

from curator.domain.catalog import VenueKind
from curator.venues.suggest import MergedEvidence, suggest

from .test_suggest import merges, one, venue

CONFERENCE, WORKSHOP, JOURNAL = VenueKind.CONFERENCE, VenueKind.WORKSHOP, VenueKind.JOURNAL
PREPRINT, OTHER = VenueKind.PREPRINT, VenueKind.OTHER


# --- each rule finds its case -----------------------------------------------------------------


def test_fingerprint_rule_is_sure() -> None:
    found = one(
        suggest(
            [venue(1, "Neural Computation", JOURNAL, 5), venue(2, "computation, neural", JOURNAL)]
        )
    )
    assert (found.venue_ids, found.canonical, found.rules, found.score) == (
        (1, 2),
        "Neural Computation",
        ("fingerprint",),
        0.97,
    )
    assert found.band == "sure"
    assert found.reasons == (
        "'Neural Computation' and 'computation, neural' are the same up to case, punctuation, "
        "accents or word order",
    )


def test_decoration_rule_joins_a_decorated_name_to_the_plain_one() -> None:
    plain = "International Conference on Machine Learning"
    found = one(suggest([venue(1, plain), venue(2, f"Proceedings of the 40th {plain}", works=9)]))
    assert (found.venue_ids, found.canonical, found.rules, found.score) == (
        (1, 2),
        plain,
        ("decoration",),
        0.95,
    )
    assert "'Proceedings of the'" in found.reasons[0] and "the ordinal '40th'" in found.reasons[0]


def test_strict_acronym_is_sure_and_its_expansion_becomes_canonical() -> None:
    long = "International Conference on Machine Learning"
    found = one(suggest([venue(1, "ICML", works=50), venue(2, long)]))
    assert (found.canonical, found.short_name, found.score, found.band) == (
        long,
        "ICML",
        0.9,
        "sure",
    )
    assert found.reasons == (f"'ICML' is the acronym of '{long}'",)
    assert found.rules == ("acronym",)


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("EMNLP", "Conference on Empirical Methods in Natural Language Processing"),
        ("ACL", "Annual Meeting of the Association for Computational Linguistics"),
        ("NeurIPS", "Neural Information Processing Systems"),
        ("ACL", "Annual Conference on Learning"),  # initials agree, but only one telling word
    ],
)
def test_loose_acronym_is_likely_not_sure(short: str, long: str) -> None:
    found = one(suggest([venue(1, short, CONFERENCE), venue(2, long, CONFERENCE)]))
    assert (found.score, found.band, found.canonical, found.short_name) == (
        0.8,
        "likely",
        long,
        short,
    )


def test_acronym_of_two_different_names_joins_neither() -> None:
    venues = [
        venue(1, "ICML"),
        venue(2, "International Conference on Machine Learning"),
        venue(3, "International Conference on Multimedia Learning"),
    ]
    assert merges(suggest(venues)) == []


def test_spelling_rule_is_likely_never_sure() -> None:
    venues = [
        venue(1, "Conference on Neural Information Processing Systems", works=9),
        venue(2, "Conference on Nueral Information Processing Systems"),
    ]
    found = one(suggest(venues))
    assert found.rules == ("spelling",)
    assert 0.7 <= found.score <= 0.85 and found.band != "sure"
    assert found.canonical == "Conference on Neural Information Processing Systems"
    assert found.reasons[0].endswith("are spelled almost alike (98% similar)")
    assert found.score == 0.78


def test_years_make_a_decoration_not_a_spelling() -> None:
    found = one(suggest([venue(1, "ICML 2022"), venue(2, "ICML 2023")]))
    assert (found.rules, found.canonical) == (("decoration",), "ICML")


@pytest.mark.parametrize(
    ("works", "score", "band"), [(1, 0.6, "possible"), (2, 0.8, "likely"), (12, 0.9, "sure")]
)
def test_merged_works_score_by_how_many(works: int, score: float, band: str) -> None:
    venues = [
        venue(1, "NeurIPS", works=30),
        venue(2, "Advances in Neural Information Processing Systems"),
    ]
    found = one(suggest(venues, [MergedEvidence(2, 1, works)]))
    assert (found.score, found.band, found.rules) == (score, band, ("merged-works",))
    had = "1 merged work had" if works == 1 else f"{works} merged works had"
    assert found.reasons == (
        f"{had} 'NeurIPS' on one side and 'Advances in Neural Information Processing Systems' "
        "on the other",
    )


def test_merged_works_evidence_adds_up() -> None:
    venues = [venue(1, "Foo Venue Alpha", OTHER), venue(2, "Bar Venue Beta", OTHER)]
    evidence = [MergedEvidence(1, 2, 1), MergedEvidence(2, 1, 2)]
    assert one(suggest(venues, evidence)).score == 0.9


# --- what is never suggested ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind_a", "kind_b"),
    [
        (WORKSHOP, CONFERENCE),
        (WORKSHOP, JOURNAL),
        (WORKSHOP, PREPRINT),
        (PREPRINT, CONFERENCE),
        (PREPRINT, JOURNAL),
        (CONFERENCE, JOURNAL),
    ],
)
def test_incompatible_kinds_never_join_whatever_the_evidence(kind_a: str, kind_b: str) -> None:
    venues = [
        venue(1, "Machine Learning Meeting", kind_a),
        venue(2, "machine learning meeting", kind_b),
    ]
    assert merges(suggest(venues, [MergedEvidence(1, 2, 40)])) == []


def test_other_is_a_wildcard_but_the_guard_holds_across_the_cluster() -> None:
    venues = [
        venue(1, "Machine Learning Meeting", OTHER, 5),
        venue(2, "machine learning meeting", CONFERENCE),
        venue(3, "MACHINE LEARNING MEETING", JOURNAL),
    ]
    found = merges(suggest(venues))
    assert [s.venue_ids for s in found] == [(1, 2)]


def test_a_workshop_is_never_merged_into_its_conference() -> None:
    venues = [venue(1, "NeurIPS"), venue(2, "NeurIPS Workshop"), venue(3, "NeurIPS 2023 Workshop")]
    found = merges(suggest(venues, [MergedEvidence(1, 2, 10)]))
    assert [s.venue_ids for s in found] == [(2, 3)]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("SemEval-2", "SemEval-3"),
        ("Workshop on Semantic Evaluation 2", "Workshop on Semantic Evaluation 3"),
        (
            "Advances in Neural Information Processing Systems 35",
            "Advances in Neural Information Processing Systems 36",
        ),
    ],
)
def test_different_numbers_that_are_not_years_never_join(a: str, b: str) -> None:
    assert merges(suggest([venue(1, a), venue(2, b)], [MergedEvidence(1, 2, 5)])) == []


def test_different_workshops_never_join() -> None:
    venues = [
        venue(1, "NeurIPS Workshop (SoLaR)"),
        venue(2, "NeurIPS Workshop (Math-AI)"),
        venue(3, "NeurIPS Workshop (Backdoors in DL)"),
        venue(4, "NeurIPS Workshop (Backdoors in ML)"),
        venue(5, "NeurIPS Workshop"),
    ]
    evidence = [MergedEvidence(1, 2, 5), MergedEvidence(3, 4, 5), MergedEvidence(1, 5, 5)]
    assert merges(suggest(venues, evidence)) == []


def test_findings_is_a_publication_of_its_own() -> None:
    venues = [venue(1, "EMNLP"), venue(2, "EMNLP (Findings)"), venue(3, "Findings of EMNLP 2023")]
    found = merges(suggest(venues, [MergedEvidence(1, 2, 5), MergedEvidence(1, 3, 5)]))
    assert all(1 not in s.venue_ids for s in found)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ICML", "ICLR"),
        ("ACL", "NAACL"),
        ("AAAI", "AAAI Spring Symposium"),
        ("Journal of Machine Learning Research", "Journal of Machine Learning"),
        ("Computer Vision and Image Understanding", "Computer Visual and Image Understanding"),
        ("North American Chapter of the ACL", "North African Chapter of the ACL"),
        ("ICML", "Machine Learning"),
        ("The Lancet", "Lancet Oncology"),
        ("Proceedings of the IEEE", "IEEE"),
        ("Proceedings of the National Academy of Sciences", "National Academy of Sciences"),
    ],
)
def test_absurd_pairs_are_not_suggested(a: str, b: str) -> None:
    assert suggest([venue(1, a), venue(2, b)]) == []


def test_two_labels_of_one_venue_produce_nothing() -> None:
    assert (
        suggest(
            [venue(1, "ICML", aliases=("icml", "International Conference on Machine Learning"))]
        )
        == []
    )


@pytest.mark.parametrize(("papers", "score"), [(2, None), (3, 0.6), (7, 0.75), (40, 0.85)])
def test_likely_duplicates_at_two_venues_are_evidence_but_never_sure_alone(
    papers: int, score: float | None
) -> None:
    venues = [venue(1, "WWW", works=50), venue(2, "The Web Conference", works=50)]
    found = suggest(venues, [MergedEvidence(2, 1, papers, duplicates=True)])
    if score is None:  # two pairs may be a conference paper and its journal version
        assert not found
        return
    assert (one(found).score, one(found).rules) == (score, ("duplicate-pairs",))
    assert one(found).band != "sure"
    assert one(found).reasons == (
        f"{papers} papers have sure or likely duplicates under both 'WWW' and 'The Web Conference'",
    )
