"""Unit tests for the text clean-up every importer relies on."""

from __future__ import annotations

import pytest

from curator.domain.normalize import (
    clean_whitespace,
    dedupe_paragraphs,
    drop_url_placeholders,
    is_name_word,
    looks_like_author_list,
    looks_like_person_name,
    parse_date,
    split_authors,
    split_paragraphs,
)


def test_clean_whitespace_collapses_every_kind_of_space() -> None:
    assert clean_whitespace("  a\t b\n\nc\u00a0d  ") == "a b c d"


def test_split_paragraphs_on_blank_lines_with_any_line_ending() -> None:
    assert split_paragraphs("one\r\ntwo\r\n\r\n  \r\nthree") == ["one two", "three"]


def test_dedupe_paragraphs_drops_verbatim_repeats_after_whitespace_normalisation() -> None:
    paragraphs = ["First  part.", "Second part.", "First part.", " Second\npart. ", "", "Third."]
    assert dedupe_paragraphs(paragraphs) == ["First  part.", "Second part.", "Third."]


def test_dedupe_paragraphs_keeps_near_repeats() -> None:
    assert dedupe_paragraphs(["A b.", "A b!"]) == ["A b.", "A b!"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We study X. Code is available at this https URL.", "We study X."),
        ("We study X. Our code and data are publicly available at this http URL", "We study X."),
        ("Models: this https URL. We thank Y.", "We thank Y."),
        ("We propose X (see this https URL). It works.", "We propose X. It works."),
        (
            "We publish the checkpoints of Llama 2 fine-tuned with 64k and 128k context windows "
            "at this https URL",
            "We publish the checkpoints of Llama 2 fine-tuned with 64k and 128k context windows",
        ),
        (
            "We release a benchmark of 500 questions on this https URL, and evaluate ten models.",
            "We release a benchmark of 500 questions, and evaluate ten models.",
        ),
    ],
)
def test_drop_url_placeholders(text: str, expected: str) -> None:
    assert drop_url_placeholders(text) == expected


def test_drop_url_placeholders_leaves_other_text_untouched() -> None:
    text = "Code is at https://github.com/x/y. We  thank\nY."
    assert drop_url_placeholders(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A, B, and C", ("A", "B", "C")),
        ("A, B and C", ("A", "B", "C")),
        ("A and B", ("A", "B")),
        ("A; B & C", ("A", "B", "C")),
        ("Ana Lima, Jane Q. Doe, et al.", ("Ana Lima", "Jane Q. Doe")),
        ("Tim Rocktäschel, and Edward Grefenstette.", ("Tim Rocktäschel", "Edward Grefenstette")),
        ("Zijie J.", ("Zijie J.",)),
        ("Gerard de Melo, Maartje ter Hoeve", ("Gerard de Melo", "Maartje ter Hoeve")),
        ("", ()),
    ],
)
def test_split_authors(text: str, expected: tuple[str, ...]) -> None:
    assert split_authors(text) == expected


@pytest.mark.parametrize(
    "word", ["Stella", "Garriga-Alonso", "McKay", "LeCun", "O'Neil", "J.", "J.-P.", "Rocktäschel"]
)
def test_name_words(word: str) -> None:
    assert is_name_word(word)


@pytest.mark.parametrize("word", ["NeurIPS", "ICLR", "arXiv", "(Findings)", "DL)", "A", "2023"])
def test_not_name_words(word: str) -> None:
    assert not is_name_word(word)


def test_person_names_and_author_lists() -> None:
    assert looks_like_person_name("Abu Awal Md Shoeb")
    assert not looks_like_person_name("NeurIPS Workshop")
    assert looks_like_author_list("Laura Ruis, Akbir Khan, and Edward Grefenstette")
    assert not looks_like_author_list("Eagle and Finch: RWKV with Matrix-Valued States")
    assert not looks_like_author_list("Tom and Jerry")
    assert not looks_like_author_list("For example, we intuitively understand the response")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17 Dec 2023", ("2023-12-17", 2023, 12)),
        ("2022-09-21", ("2022-09-21", 2022, 9)),
        ("Dec 17, 2023", ("2023-12-17", 2023, 12)),
        ("December 17, 2023", ("2023-12-17", 2023, 12)),
        ("3rd Sept 2021", ("2021-09-03", 2021, 9)),
        ("December 2023", ("2023-12", 2023, 12)),
        ("Dec. 2023", ("2023-12", 2023, 12)),
        ("2023-12", ("2023-12", 2023, 12)),
        ("2023", ("2023", 2023, None)),
        ("  17  Dec  2023 ", ("2023-12-17", 2023, 12)),
    ],
)
def test_parse_date_forms(text: str, expected: tuple[str, int, int | None]) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["31 Feb 2023", "2023-13", "Foo 2023", "1850", "17 Dec", "Recent Publications", ""]
)
def test_parse_date_rejects_non_dates(text: str) -> None:
    assert parse_date(text) is None
