"""Choosing a listing style: detection, forcing a format, refusing files that are not listings."""

from __future__ import annotations

import dataclasses

import pytest

from curator.domain.errors import CuratorError, UnrecognisedListingError
from curator.domain.records import ParseResult
from curator.importers import FORMATS, detect_format, parse_listing
from tests.importers.listing_helpers import (
    FIXTURES,
    assert_covers_every_line,
    fixture_text,
    seed_text,
)

SEED_STYLES = [
    ("000", "author-page"),
    ("001", "author-page"),
    ("002", "lab-page"),
    ("003", "arxiv"),
    ("004", "arxiv"),
]
LABELS = [importer.label for importer in FORMATS.values()]


def test_format_names_and_labels() -> None:
    assert list(FORMATS) == ["bibtex", "author-page", "lab-page", "arxiv"]
    for name, importer in FORMATS.items():
        assert importer.name == name
        assert importer.label and " " in importer.label


@pytest.mark.parametrize(("prefix", "style"), SEED_STYLES)
def test_each_seed_is_detected_as_its_style(prefix: str, style: str) -> None:
    text = seed_text(prefix)
    assert detect_format(text) == style
    assert parse_listing(text, f"{prefix}.txt").format == style


@pytest.mark.parametrize(("prefix", "style"), SEED_STYLES)
def test_sniff_scores_are_in_range_and_own_style_wins(prefix: str, style: str) -> None:
    text = seed_text(prefix)
    found = {name: importer.sniff(text) for name, importer in FORMATS.items()}
    assert all(0.0 <= score <= 1.0 for score in found.values())
    assert max(found, key=lambda name: found[name]) == style


@pytest.mark.parametrize(
    ("name", "style"),
    [
        ("author_page.txt", "author-page"),
        ("author_page_truncated.txt", "author-page"),
        ("lab_page.txt", "lab-page"),
        ("arxiv_glued.txt", "arxiv"),
        ("arxiv_titled.txt", "arxiv"),
    ],
)
def test_fixtures_are_detected(name: str, style: str) -> None:
    assert detect_format(fixture_text(name)) == style


def test_forced_format_is_used() -> None:
    text = seed_text("003")
    result = parse_listing(text, "003.txt", format="author-page")
    assert result.format == "author-page"
    assert result.records == []
    assert_covers_every_line(text, result)
    assert parse_listing(text, "003.txt", format="arxiv").format == "arxiv"


def test_unknown_format_names_the_valid_ones() -> None:
    with pytest.raises(CuratorError) as caught:
        parse_listing("anything", "x.txt", format="endnote")
    assert not isinstance(caught.value, UnrecognisedListingError)
    for name in FORMATS:
        assert name in str(caught.value)


@pytest.mark.parametrize(
    ("name", "detail"),
    [
        ("empty.txt", "the file is empty"),
        ("whitespace.txt", "the file is empty"),
        ("junk.bin", "binary"),
        ("prose.txt", "no publication entries"),
        ("truncated_record.txt", "no publication entries"),
    ],
)
def test_non_listings_are_rejected_naming_the_styles_tried(name: str, detail: str) -> None:
    with pytest.raises(UnrecognisedListingError) as caught:
        parse_listing(fixture_text(name), name)
    error = caught.value
    assert error.source == name
    assert error.tried == LABELS
    assert detail in str(error)
    assert (FIXTURES / name).exists()


def test_an_empty_file_is_rejected_even_with_a_forced_format() -> None:
    with pytest.raises(UnrecognisedListingError, match="the file is empty"):
        parse_listing("\n  \n", "x.txt", format="arxiv")


def _without_raw(result: ParseResult) -> ParseResult:
    records = [dataclasses.replace(r, raw=r.raw.replace("\r\n", "\n")) for r in result.records]
    problems = [dataclasses.replace(p, raw=p.raw.replace("\r\n", "\n")) for p in result.problems]
    return ParseResult(result.format, records, problems)


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_crlf_parses_the_same_as_lf(prefix: str) -> None:
    lf = seed_text(prefix)
    crlf = lf.replace("\n", "\r\n")
    from_lf, from_crlf = parse_listing(lf, "lf.txt"), parse_listing(crlf, "crlf.txt")
    assert _without_raw(from_crlf) == from_lf
    assert [r.content_hash for r in from_crlf.records] == [r.content_hash for r in from_lf.records]
    assert all(r.raw in crlf for r in from_crlf.records)
    assert_covers_every_line(crlf, from_crlf)


def test_a_leading_byte_order_mark_is_ignored() -> None:
    text = seed_text("000")
    assert parse_listing("\ufeff" + text, "bom.txt") == parse_listing(text, "plain.txt")
