"""Venue suggestions end to end: clusters and clean-ups, rejections, ranking, parents, scale."""

from __future__ import annotations

import random
from collections.abc import Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from curator.domain.catalog import VenueKind
from curator.domain.venues import guess_venue_kind, venue_key
from curator.venues.suggest import (
    SURE,
    MergedEvidence,
    ParentLink,
    Suggestion,
    VenueFacts,
    suggest,
    suggest_parents,
)

CONFERENCE, WORKSHOP, JOURNAL = VenueKind.CONFERENCE, VenueKind.WORKSHOP, VenueKind.JOURNAL
PREPRINT, OTHER = VenueKind.PREPRINT, VenueKind.OTHER


def venue(
    id: int,
    name: str,
    kind: str | None = None,
    works: int = 1,
    aliases: tuple[str, ...] = (),
    short_name: str | None = None,
    parent_id: int | None = None,
) -> VenueFacts:
    kind = kind or guess_venue_kind(name).value
    return VenueFacts(id, name, kind, (name, *aliases), works, short_name, parent_id)


def merges(found: Sequence[Suggestion]) -> list[Suggestion]:
    return [s for s in found if len(s.venue_ids) > 1]


def one(found: Sequence[Suggestion]) -> Suggestion:
    assert len(found) == 1, found
    return found[0]


def kinds_compatible(venues: list[VenueFacts]) -> bool:
    """At most one kind besides "other"; a preprint server (by kind, or by name when its kind
    is "other") only with preprint servers."""
    kinds = {v.kind for v in venues}
    named = {v.kind if v.kind != OTHER else guess_venue_kind(v.name) for v in venues}
    preprint = {kind == PREPRINT for kind in named}
    return len(kinds - {OTHER}) <= 1 and len(preprint) == 1


# --- clusters and clean-ups ------------------------------------------------------------------


def test_presentation_note_is_kept_when_labels_join() -> None:
    found = one(suggest([venue(1, "NeurIPS (Spotlight)", works=4), venue(2, "NeurIPS")]))
    assert (found.venue_ids, found.canonical, found.band) == ((1, 2), "NeurIPS", "sure")
    assert found.notes == (("NeurIPS (Spotlight)", "Spotlight"),)


def test_lone_decorated_name_gets_a_clean_up() -> None:
    found = one(suggest([venue(7, "ICML 2023, Honolulu, Hawaii"), venue(8, "TACL", JOURNAL)]))
    assert (found.venue_ids, found.canonical, found.score, found.band) == (
        (7,),
        "ICML",
        0.85,
        "likely",
    )
    assert found.rules == ("decoration",)
    assert found.reasons == (
        "'ICML 2023, Honolulu, Hawaii' is 'ICML' with the year 2023 "
        "and the city 'Honolulu, Hawaii'",
    )


def test_a_clean_up_keeps_a_names_own_acronym_as_its_short_name() -> None:
    found = one(suggest([venue(1, "Journal of Artificial Intelligence Research (JAIR)")]))
    assert (found.canonical, found.short_name) == (
        "Journal of Artificial Intelligence Research",
        "JAIR",
    )
    joined = one(
        suggest(
            [
                venue(1, "Journal of Artificial Intelligence Research (JAIR)"),
                venue(2, "Journal of Artificial Intelligence Research", works=3),
            ]
        )
    )
    assert (joined.venue_ids, joined.short_name) == ((1, 2), "JAIR")


def test_no_clean_up_onto_a_name_another_venue_holds() -> None:
    # "NeurIPS 2023" cannot become "NeurIPS": that label belongs to a workshop it cannot join
    assert suggest([venue(1, "NeurIPS 2023", CONFERENCE), venue(2, "NeurIPS", WORKSHOP)]) == []


def test_rules_agreeing_raise_the_score_a_little() -> None:
    venues = [
        venue(1, "EMNLP"),
        venue(2, "Conference on Empirical Methods in Natural Language Processing"),
    ]
    found = one(suggest(venues, [MergedEvidence(1, 2, 2)]))
    assert found.score == 0.82
    assert set(found.rules) == {"acronym", "merged-works"}


def test_merged_works_never_join_a_preprint_server_to_a_journal() -> None:
    # duplicates merged across arXiv and two journals whose kind the catalog does not know
    venues = [venue(1, "arXiv preprint", PREPRINT), venue(2, "Nature"), venue(3, "Science")]
    evidence = [MergedEvidence(1, 2, 3), MergedEvidence(1, 3, 3)]
    assert merges(suggest(venues, evidence)) == []
    # an "other" label that names a preprint server still joins one
    found = one(suggest([venue(1, "arXiv", PREPRINT), venue(2, "ARXIV", OTHER)]))
    assert found.venue_ids == (1, 2)


def test_a_name_with_its_own_acronym_does_not_make_the_acronym_ambiguous() -> None:
    long = "International Conference on Machine Learning"
    venues = [
        venue(1, "ICML"),
        venue(2, long, works=3),
        venue(3, f"Proceedings of the 40th {long} (ICML)"),
    ]
    found = one(suggest(venues))
    assert (found.venue_ids, found.canonical, found.short_name) == ((1, 2, 3), long, "ICML")


def test_an_iso4_abbreviation_joins_the_name_it_abbreviates() -> None:
    venues = [
        venue(1, "J. Mach. Learn. Res.", JOURNAL, works=5),
        venue(2, "Journal of Machine Learning Research", JOURNAL),
        venue(3, "Proc. Natl. Acad. Sci.", OTHER),
        venue(4, "Proceedings of the National Academy of Sciences", OTHER),
        venue(5, "J. Mach. Learn.", JOURNAL),  # abbreviates no name in the catalog
        venue(6, "IEEE Trans. Autom. Control", JOURNAL),
        venue(7, "IEEE Transactions on Automatic Control", JOURNAL),
    ]
    found = sorted(merges(suggest(venues)), key=lambda s: s.venue_ids)
    assert [(s.venue_ids, s.canonical, s.rules) for s in found] == [
        ((1, 2), "Journal of Machine Learning Research", ("abbreviation",)),
        ((3, 4), "Proceedings of the National Academy of Sciences", ("abbreviation",)),
        ((6, 7), "IEEE Transactions on Automatic Control", ("abbreviation",)),
    ]
    assert found[0].reasons == (
        "'J. Mach. Learn. Res.' is the ISO 4 abbreviation of "
        "'Journal of Machine Learning Research'",
    )
    assert found[0].band == "likely"  # "J. Comput. Sci." abbreviates three journals


def test_a_full_stop_at_the_end_is_no_abbreviation() -> None:
    venues = [venue(1, "JMLR", JOURNAL), venue(2, "Journal of Machine Learning Research.")]
    found = one(suggest(venues))
    assert (found.venue_ids, found.rules) == ((1, 2), ("acronym",))


def test_an_abbreviation_of_two_names_joins_neither() -> None:
    venues = [
        venue(1, "Phys. Rev.", JOURNAL),
        venue(2, "Physical Review", JOURNAL),
        venue(3, "Physics Reviews", JOURNAL),
    ]
    assert [s for s in merges(suggest(venues)) if 1 in s.venue_ids] == []
    # but two spellings of one name are one name
    venues = [
        venue(1, "Ann. Stat.", JOURNAL),
        venue(2, "Annals of Statistics", JOURNAL),
        venue(3, "The Annals of Statistics", JOURNAL),
    ]
    assert "abbreviation" in one(suggest(venues)).rules


def test_a_cluster_is_as_sure_as_its_weakest_link() -> None:
    venues = [
        venue(1, "Journal of Machine Learning Research", JOURNAL, 10),
        venue(2, "journal of machine learning research", JOURNAL),
        venue(3, "Journal of Machine Lerning Research", JOURNAL),
    ]
    found = one(suggest(venues))
    assert found.venue_ids == (1, 2, 3)
    assert found.score < SURE
    assert found.rules == ("fingerprint", "spelling")


def test_canonical_is_the_name_with_most_works_then_capitals_then_alphabetical() -> None:
    a, b = "Neural Computation", "neural computation"
    assert one(suggest([venue(1, a, JOURNAL, 1), venue(2, b, JOURNAL, 5)])).canonical == b
    assert one(suggest([venue(1, b, JOURNAL, 2), venue(2, a, JOURNAL, 2)])).canonical == a
    c = "Computation Neural"  # as many capitals: alphabetical
    assert one(suggest([venue(1, a, JOURNAL), venue(2, c, JOURNAL)])).canonical == c
    shouting = "NEURAL COMPUTATION"  # more capitals, but a name in capitals is a last resort
    assert one(suggest([venue(1, shouting, JOURNAL), venue(2, b, JOURNAL)])).canonical == b


def test_kind_is_the_common_kind_other_than_other() -> None:
    found = one(
        suggest(
            [
                venue(1, "Machine Learning Day", OTHER, 9),
                venue(2, "machine learning day", CONFERENCE),
            ]
        )
    )
    assert found.kind == CONFERENCE


# --- rejections -------------------------------------------------------------------------------


def test_a_rejected_suggestion_does_not_come_back() -> None:
    venues = [
        venue(1, "NeurIPS (Spotlight)"),
        venue(2, "NeurIPS"),
        venue(3, "Neural Computation", JOURNAL),
    ]
    first = one(merges(suggest(venues)))
    assert first.key == frozenset({"neurips (spotlight)", "neurips"})
    again = suggest(venues, rejected=[first.key])
    assert merges(again) == []


def test_a_rejection_by_alias_blocks_the_venues_holding_those_labels() -> None:
    venues = [
        venue(1, "ICML", aliases=("ICML 2023",)),
        venue(2, "International Conference on Machine Learning"),
    ]
    rejected = [
        frozenset(
            {venue_key("ICML 2023"), venue_key("International Conference on Machine Learning")}
        )
    ]
    assert merges(suggest(venues, rejected=rejected)) == []


def test_a_rejected_pair_is_not_joined_through_a_third_venue() -> None:
    venues = [
        venue(1, "Neural Computation", JOURNAL, 5),
        venue(2, "neural computation", JOURNAL),
        venue(3, "Neural Computaton", JOURNAL),
    ]
    found = merges(
        suggest(venues, rejected=[frozenset({"neural computation", "neural computaton"})])
    )
    assert all(not {1, 3} <= set(s.venue_ids) for s in found)
    assert all(not {2, 3} <= set(s.venue_ids) for s in found)


def test_a_rejected_clean_up_stays_quiet() -> None:
    lone = venue(1, "ICML 2023, Honolulu, Hawaii")
    key = one(suggest([lone])).key
    assert key == frozenset({"icml 2023, honolulu, hawaii"})
    assert suggest([lone], rejected=[key]) == []


# --- the output -------------------------------------------------------------------------------


def test_output_is_ranked_by_score_then_canonical() -> None:
    venues = [
        venue(1, "Neural Computation", JOURNAL),
        venue(2, "neural computation", JOURNAL),
        venue(3, "ICML 2023, Honolulu, Hawaii"),
        venue(4, "EMNLP"),
        venue(5, "Conference on Empirical Methods in Natural Language Processing"),
        venue(6, "Computer Speech and Language", JOURNAL),
        venue(7, "COMPUTER SPEECH AND LANGUAGE", JOURNAL),
    ]
    found = suggest(venues)
    assert [(s.score, s.canonical) for s in found] == [
        (0.97, "Computer Speech and Language"),
        (0.97, "Neural Computation"),
        (0.85, "ICML"),
        (0.8, "Conference on Empirical Methods in Natural Language Processing"),
    ]


def test_band_and_key() -> None:
    found = Suggestion((1, 2), ("ICML", "Icml "), "ICML", None, CONFERENCE, 0.75, (), (), ())
    assert found.band == "likely"
    assert found.key == frozenset({"icml"})
    assert Suggestion((1,), ("A",), "A", None, OTHER, 0.74, (), (), ()).band == "possible"
    assert Suggestion((1,), ("A",), "A", None, OTHER, SURE, (), (), ()).band == "sure"


_POOL = [
    ("ICML", None),
    ("icml", None),
    ("ICML 2023", None),
    ("ICML Workshop", WORKSHOP),
    ("International Conference on Machine Learning", None),
    ("NeurIPS", None),
    ("NeurIPS (Spotlight)", None),
    ("NeurIPS Workshop (SoLaR)", WORKSHOP),
    ("NeurIPS Workshop (Math-AI)", WORKSHOP),
    ("arXiv", PREPRINT),
    ("ArXiv", None),
    ("Journal of Machine Learning Research", None),
    ("Journal of Machine Lerning Research", None),
    ("SemEval-2", None),
    ("SemEval-3", None),
    ("EMNLP", None),
    ("EMNLP (Findings)", None),
    ("Transactions of the ACL", None),
]
_KINDS = [CONFERENCE, WORKSHOP, JOURNAL, PREPRINT, OTHER]


@st.composite
def catalogs(draw: st.DrawFn) -> tuple[list[VenueFacts], list[MergedEvidence]]:
    picks = draw(st.lists(st.sampled_from(_POOL), min_size=2, max_size=12, unique=True))
    venues = [
        venue(i, name, kind or draw(st.sampled_from(_KINDS)), draw(st.integers(0, 5)))
        for i, (name, kind) in enumerate(picks, start=1)
    ]
    ids = st.integers(1, len(venues))
    evidence = draw(st.lists(st.builds(MergedEvidence, ids, ids, st.integers(1, 4)), max_size=6))
    return venues, evidence


@settings(max_examples=150, deadline=None)
@given(catalogs(), st.randoms(use_true_random=False))
def test_guards_hold_and_output_is_deterministic(
    catalog: tuple[list[VenueFacts], list[MergedEvidence]], rnd: random.Random
) -> None:
    venues, evidence = catalog
    found = suggest(venues, evidence)
    by_id = {v.id: v for v in venues}
    seen: set[int] = set()
    for s in merges(found):
        assert kinds_compatible([by_id[i] for i in s.venue_ids])
        assert list(s.venue_ids) == sorted(s.venue_ids) and not seen & set(s.venue_ids)
        seen |= set(s.venue_ids)
        assert s.labels == tuple(by_id[i].name for i in s.venue_ids)
        names = set(s.labels)
        assert not {"SemEval-2", "SemEval-3"} <= names
        assert not {"EMNLP", "EMNLP (Findings)"} <= names
        assert not {"NeurIPS Workshop (SoLaR)", "NeurIPS Workshop (Math-AI)"} <= names
    assert [s.score for s in found] == sorted((s.score for s in found), reverse=True)
    assert all(0 <= s.score <= 1 and s.score == round(s.score, 2) for s in found)
    shuffled = suggest(rnd.sample(venues, len(venues)), rnd.sample(evidence, len(evidence)))
    assert shuffled == found


# --- workshops and their conferences ----------------------------------------------------------

SAMPLE = [
    ("arXiv", PREPRINT),
    ("ICLR", CONFERENCE),
    ("NeurIPS", CONFERENCE),
    ("NeurIPS (Spotlight)", CONFERENCE),
    ("EMNLP", CONFERENCE),
    ("EMNLP (Findings)", CONFERENCE),
    ("ICML Workshop", WORKSHOP),
    ("NeurIPS Workshop (Backdoors in DL)", WORKSHOP),
    ("NeurIPS Workshop (Math-AI)", WORKSHOP),
    ("NeurIPS Workshop (SoLaR)", WORKSHOP),
    ("NeurIPS Workshop (Attributing Model Behavior At Scale)", WORKSHOP),
]


def sample_catalog() -> list[VenueFacts]:
    return [venue(i, name, kind, works=3) for i, (name, kind) in enumerate(SAMPLE, start=1)]


def test_sample_catalog_suggests_only_the_spotlight_merge() -> None:
    found = one(suggest(sample_catalog()))
    assert (found.labels, found.canonical, found.band) == (
        ("NeurIPS", "NeurIPS (Spotlight)"),
        "NeurIPS",
        "sure",
    )
    assert found.notes == (("NeurIPS (Spotlight)", "Spotlight"),)
    assert found.kind == CONFERENCE


def test_sample_catalog_links_each_neurips_workshop_to_neurips() -> None:
    links = suggest_parents(sample_catalog())
    assert [(link.workshop_id, link.parent_id) for link in links] == [
        (8, 3),
        (9, 3),
        (10, 3),
        (11, 3),
    ]
    assert links[2] == ParentLink(
        10, 3, "'NeurIPS Workshop (SoLaR)' names the conference 'NeurIPS'"
    )


def test_icml_workshop_finds_icml_by_name_or_short_name() -> None:
    by_name = [*sample_catalog(), venue(20, "ICML", CONFERENCE)]
    assert ParentLink(7, 20, "'ICML Workshop' names the conference 'ICML'") in suggest_parents(
        by_name
    )
    long = venue(20, "International Conference on Machine Learning", CONFERENCE, short_name="ICML")
    assert (7, 20) in {
        (link.workshop_id, link.parent_id) for link in suggest_parents([*sample_catalog(), long])
    }


def test_no_parent_when_ambiguous_already_set_or_not_a_conference() -> None:
    venues = [
        venue(1, "ICML", CONFERENCE),
        venue(2, "ICML", CONFERENCE),
        venue(3, "ICML Workshop", WORKSHOP),
        venue(4, "ACL", JOURNAL),
        venue(5, "ACL Workshop", WORKSHOP),
        venue(6, "NeurIPS", CONFERENCE),
        venue(7, "NeurIPS Workshop", WORKSHOP, parent_id=99),
    ]
    assert suggest_parents(venues) == []


# --- scale ------------------------------------------------------------------------------------

_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]


def synthetic_catalog(size: int, seed: int = 7) -> tuple[list[VenueFacts], list[tuple[int, int]]]:
    """`size` made-up venues, a tenth of them planted twins of another (typo, acronym, ...)."""
    rng = random.Random(seed)

    def word() -> str:
        return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()

    venues: list[VenueFacts] = []
    planted: list[tuple[int, int]] = []
    acronyms: set[str] = set()  # one conference per acronym, else the acronym is ambiguous
    while len(venues) < size:
        topic = [word() + "ta" for _ in range(4)]
        if "".join(w[0] for w in topic) in acronyms:
            continue
        kind, head = rng.choice(
            [
                (CONFERENCE, "International Conference on"),
                (JOURNAL, "Journal of"),
                (WORKSHOP, "Workshop on"),
            ]
        )
        name = f"{head} {' '.join(topic)}"
        if kind == CONFERENCE:
            acronyms.add("".join(w[0] for w in topic))
        venues.append(venue(len(venues) + 1, name, kind, rng.randint(1, 50)))
        if len(venues) % 10:
            continue
        twin = _twin(rng, name, kind, topic, len(venues) // 10)
        venues.append(venue(len(venues) + 1, twin, kind))
        planted.append((len(venues) - 1, len(venues)))
    return venues, planted


def _twin(rng: random.Random, name: str, kind: str, topic: list[str], n: int) -> str:
    style = n % 4
    if style == 0:  # a typo: one letter dropped from a word
        long = max(topic, key=len)
        cut = rng.randrange(1, len(long) - 1)
        return name.replace(long, long[:cut] + long[cut + 1 :])
    if style == 1:  # case, punctuation, word order
        return ", ".join(reversed(name.upper().split()))
    if style == 2 and kind == CONFERENCE:  # the acronym
        return "IC" + "".join(w[0] for w in topic)
    return f"{name} {rng.randint(1990, 2030)}"


def test_two_thousand_generated_venues_find_the_planted_twins() -> None:
    venues, planted = synthetic_catalog(2000)
    found = suggest(venues)
    together = {pair for s in found for pair in _pairs(s.venue_ids)}
    missing = [p for p in planted if p not in together]
    assert not missing, [(venues[a - 1].name, venues[b - 1].name) for a, b in missing[:5]]
    by_id = {v.id: v for v in venues}
    assert all(kinds_compatible([by_id[i] for i in s.venue_ids]) for s in found)


def _pairs(ids: tuple[int, ...]) -> set[tuple[int, int]]:
    return {(a, b) for a in ids for b in ids if a < b}
