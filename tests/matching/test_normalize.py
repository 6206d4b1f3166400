"""Normalisation: titles, surnames and ids compare equal when a librarian would call them equal."""

import pytest

from curator.domain.matching import WorkFeatures
from curator.matching.normalize import (
    arxiv_key,
    authors_look_complete,
    doi_key,
    fold,
    page_span,
    repair,
    split_title,
    strip_annotations,
    surname_key,
    surname_keys,
    title_numbers,
    tokens_of,
)


def test_fold_strips_accents_case_punctuation_and_latex() -> None:
    assert fold("  Élan:  The \\textit{Über}-Model!  ") == "elan the uber model"
    assert fold("LLEMMA—an open model") == fold("Llemma - An Open Model")
    assert fold(None) == ""


def test_title_numbers_tell_parts_and_versions_apart() -> None:
    assert title_numbers(fold("Deep nets, Part II")) == {"ii"}
    assert title_numbers(fold("Deep nets, Part I")) == {"i"}
    assert title_numbers(fold("GPT-4 technical report")) == {"4"}
    assert title_numbers(fold("What I learned")) == frozenset()


def test_split_title_at_colon() -> None:
    assert split_title("Llemma: An Open Language Model") == ("llemma", "an open language model")
    assert split_title("No subtitle here") == ("no subtitle here", "")


def test_surname_key_handles_order_initials_accents_and_particles() -> None:
    names = ["Biderman, Stella", "S. Biderman", "Stella Bíderman", "STELLA BIDERMAN"]
    assert {surname_key(n) for n in names} == {"biderman"}
    assert surname_key("Ludwig van Beethoven") == surname_key("van Beethoven, Ludwig")
    assert surname_keys(["A. Ng", "others"]) == {"ng"}


def test_single_author_or_et_al_lists_are_not_complete() -> None:
    assert not authors_look_complete(["Stella Biderman"])
    assert not authors_look_complete(["A. Ng", "B. Lee", "et al."])
    assert authors_look_complete(["A. Ng", "B. Lee"])


def test_ids_lose_prefixes_and_versions() -> None:
    assert arxiv_key("arXiv:2310.10631v2") == "2310.10631"
    assert arxiv_key(None, "10.48550/arXiv.2310.10631") == "2310.10631"
    assert doi_key("https://doi.org/10.1000/ABC") == "10.1000/abc"
    assert doi_key("10.48550/arXiv.2310.10631") == ""


def test_tokens_drop_stopwords() -> None:
    work = WorkFeatures(1, "The Pile: an 800GB dataset", None, (), None, None, None, None, None)
    assert set(tokens_of(work).title_words) == {"pile", "800gb", "dataset"}


@pytest.mark.parametrize(
    ("title", "clean"),
    [
        ("Effect of X on Y. [Review] [72 refs]", "Effect of X on Y"),
        ("Screening uptake (Structured abstract)", "Screening uptake"),
        ("[Cereton in rehabilitation after stroke]", "Cereton in rehabilitation after stroke"),
        ("HPV testing [Erratum appears in J Clin Virol. 2009 Oct;46(2):199]", "HPV testing"),
        ("Neural nets in stroke care [Chinese]", "Neural nets in stroke care"),
        ("Learning to act (Extended Abstract)", "Learning to act"),
        ("Learning from examples (1983)", "Learning from examples"),
        ("Efficient induction CMU-CS-88-162", "Efficient induction"),
        ("Planning with maps - Book Review", "Planning with maps"),
    ],
)  # fmt: skip
def test_database_annotations_are_not_the_title(title: str, clean: str) -> None:
    assert strip_annotations(title) == clean


@pytest.mark.parametrize(
    "title",
    ["The ALTS trial (ALTS)", "Chemistry Part 2", "GPT-4 Technical Report", "Statistics (II)"],
)
def test_a_titles_own_numbers_and_acronyms_stay(title: str) -> None:
    assert strip_annotations(title) == title


def test_mojibake_is_repaired_and_sound_text_left_alone() -> None:
    assert repair("RenÃ©e donâ€™t") == "Renée don't"
    for sound in ("Åsa Öberg", "Ärzte — ein Überblick", "naïve café", "Ångström"):
        assert repair(sound) == sound


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        ("356-359", "359", True),  # a database gave the last page only
        ("288-297", "288--97", True),
        ("288--97", "295", True),  # the range is 288-297, not 288-97
        ("359-356", "357", True),  # written the wrong way round
        ("S78-89", "78-89", None),  # a supplement's letter on one side only
        ("A12", "12", None),  # a letter one database dropped
        ("e56", "2642-2644", False),  # a journal's e-page (a letter) and its printed pages
        ("945-948", "948-961", True),  # ranges that touch: a typo more likely than two papers
        ("S78-S89", "S3-89", True),
        ("1014", "c1804", None),  # BMJ's print page and its article number: not comparable
        ("1-6", "e12724", None),  # PLoS: pages of the PDF and the article number
        ("125-128", "2-8", False),
        ("e494", "S99", False),  # a conference abstract's page and a supplement's
    ],
)
def test_page_spans_agree_when_they_overlap(a: str, b: str, agree: bool | None) -> None:
    first, second = page_span(a), page_span(b)
    assert first is not None and second is not None
    assert first.agrees(second) is agree and second.agrees(first) is agree
