"""arXiv listings: ids close records (glued or on their own line), Created dates, authors."""

from __future__ import annotations

import pytest

from curator.domain.records import BlockStatus, ParsedRecord
from curator.importers.arxiv_listing import ArxivListingImporter
from tests.importers.listing_helpers import (
    assert_covers_every_line,
    assert_ordinals,
    fixture_text,
    seed_text,
)

IMPORTER = ArxivListingImporter()
IDS_003 = [
    "2403.07918",
    "2402.11548",
    "2402.07896",
    "2401.14489",
    "2401.12947",
    "2312.06581",
    "2310.10631",
    "2306.17806",
    "2306.03819",
    "2306.01481",
]


@pytest.fixture(scope="module")
def glued() -> list[ParsedRecord]:
    result = IMPORTER.parse(seed_text("003"))
    assert result.problems == []
    return result.records


@pytest.fixture(scope="module")
def titled() -> list[ParsedRecord]:
    result = IMPORTER.parse(seed_text("004"))
    assert result.problems == []
    return result.records


@pytest.mark.parametrize(("prefix", "count"), [("003", 10), ("004", 10)])
def test_seed_counts_and_coverage(prefix: str, count: int) -> None:
    text = seed_text(prefix)
    result = IMPORTER.parse(text)
    assert result.format == "arxiv"
    assert len(result.records) == count
    assert result.problems == []
    assert_ordinals(result)
    assert_covers_every_line(text, result)


def test_glued_id_closes_the_record_before_it(glued: list[ParsedRecord]) -> None:
    assert [r.arxiv_id for r in glued] == IDS_003
    kmmlu = glued[1]
    assert (kmmlu.abstract or "").startswith("We propose KMMLU")
    assert kmmlu.arxiv_id == "2402.11548"
    assert (kmmlu.first_line, kmmlu.last_line) == (2, 4)
    assert kmmlu.raw.startswith("We propose KMMLU") and kmmlu.raw.endswith("arXiv:2402.11548")
    assert kmmlu.comments == ("Under Review",)
    assert (kmmlu.year, kmmlu.month, kmmlu.date) == (2024, 2, None)
    first = glued[0]
    assert (first.first_line, first.last_line) == (1, 2)
    assert first.raw.startswith("Foundation models are powerful technologies")
    assert first.raw.endswith("arXiv:2403.07918")


def test_known_ids(glued: list[ParsedRecord]) -> None:
    by_start = {(r.abstract or "")[:30]: r for r in glued}
    assert by_start["We present Llemma, a large lan"].arxiv_id == "2310.10631"
    pink = by_start["Existing methods for controlli"]
    assert pink.arxiv_id == "2402.07896"
    assert pink.comments == ("8 pages, 6 figures",)
    assert "controllable at inference time, so" in (pink.abstract or "")
    assert "(a “Pink Elephant”)" in (pink.abstract or "")


def test_glued_records_fields(glued: list[ParsedRecord]) -> None:
    recursion = glued[4]
    assert recursion.comments == ("arXiv admin note: text overlap with arXiv:2305.14699",)
    assert (recursion.first_line, recursion.last_line) == (7, 9)
    fourier = glued[5]
    assert "symmetric group $S_n$ to reverse" in (fourier.abstract or "")
    assert "the “coset circuit” that" in (fourier.abstract or "")
    assert "a 75% preference" in (glued[7].abstract or "")
    for record in glued:
        assert (record.title, record.venue, record.authors) == (None, None, ())
        assert record.authors_incomplete


def test_created_date_wins_over_the_id(titled: list[ParsedRecord]) -> None:
    red_team = titled[1]
    assert red_team.arxiv_id == "2209.07858"
    assert (red_team.date, red_team.year, red_team.month) == ("2022-08-23", 2022, 8)
    assert (red_team.first_line, red_team.last_line) == (8, 11)
    assert red_team.raw.endswith("Created: 2022-08-23")


def test_own_url_is_taken_other_urls_stay_in_comments(titled: list[ParsedRecord]) -> None:
    toy = titled[0]
    assert (toy.first_line, toy.last_line, toy.arxiv_id) == (1, 6, "2209.10652")
    assert toy.url == "https://transformer-circuits.pub/2022/toy_model/index.html"
    assert toy.date == "2022-09-21"
    hh = titled[5]
    assert hh.url is None
    assert hh.comments == ("Data available at https://github.com/anthropics/hh-rlhf",)


def test_title_and_long_author_line(titled: list[ParsedRecord]) -> None:
    big_bench = titled[3]
    assert big_bench.title == (
        "Beyond the Imitation Game: "
        "Quantifying and extrapolating the capabilities of language models"
    )
    assert (big_bench.first_line, big_bench.last_line) == (20, 28)
    assert len(big_bench.authors) == 441
    assert big_bench.authors[:2] == ("Aarohi Srivastava", "Abhinav Rastogi")
    assert big_bench.authors[-1] == "Ziyi Wang"
    assert not big_bench.authors_incomplete
    assert (big_bench.abstract or "").startswith("Language models demonstrate both")
    assert big_bench.comments == (
        "27 pages, 17 figures + references and appendices, repo: https://github.com/google/BIG-bench",
    )
    assert big_bench.url is None
    others = [r for r in titled if r is not big_bench]
    assert all(r.title is None and r.authors_incomplete for r in others)


def test_text_after_the_last_id_is_rejected() -> None:
    text = fixture_text("arxiv_glued.txt")
    result = IMPORTER.parse(text)
    assert_covers_every_line(text, result)
    assert [r.arxiv_id for r in result.records] == ["2403.07918", "2402.11548", "1412.1234"]
    assert result.records[1].abstract == (
        "We measure how tiny models scale, and we find they scale – mostly $S_n$."
    )
    (rejected,) = result.problems
    assert rejected.status is BlockStatus.REJECTED
    assert (rejected.first_line, rejected.last_line) == (6, 6)
    assert rejected.raw == "This record was cut off before its id"
    assert "not closed" in rejected.reason


def test_titled_fixture() -> None:
    text = fixture_text("arxiv_titled.txt")
    result = IMPORTER.parse(text)
    assert_covers_every_line(text, result)
    toy, scaling = result.records
    assert toy.title == "Toy Models of Probing"
    assert toy.authors == ("Jane Q. Doe", "Ana Lima", "Bo Chen", "Gerard de Melo")
    assert not toy.authors_incomplete
    assert (toy.url, toy.date, toy.year, toy.month) == (
        "https://example.org/toy-probing/",
        "2022-08-23",
        2022,
        8,
    )
    assert (scaling.date, scaling.year, scaling.month) == (None, 2022, 7)
    assert scaling.comments == ("23 pages, 22 figures",)


def test_an_id_with_nothing_before_it_is_rejected() -> None:
    text = "An abstract of a paper, long enough to read.\narXiv:2101.00001\narXiv:2101.00002\n"
    result = IMPORTER.parse(text)
    assert [r.arxiv_id for r in result.records] == ["2101.00001"]
    (rejected,) = result.problems
    assert (rejected.first_line, rejected.status) == (3, BlockStatus.REJECTED)
    assert_covers_every_line(text, result)


def test_category_after_the_id_is_not_the_next_record() -> None:
    text = "The abstract.\narXiv:2101.00001 [cs.LG]\nThe next abstract.\narXiv:2101.00002v2\n"
    result = IMPORTER.parse(text)
    assert [r.arxiv_id for r in result.records] == ["2101.00001", "2101.00002"]
    assert result.records[1].abstract == "The next abstract."
    assert result.problems == []


def test_multi_paragraph_abstract_is_kept_together() -> None:
    first = "We study a problem in detail, " * 8
    second = "We also show a second result, " * 8
    text = f"{first}\n\n{second}\n\n12 pages\n\narXiv:2101.00001\n"
    (record,) = IMPORTER.parse(text).records
    assert record.abstract == f"{first.strip()}\n\n{second.strip()}"
    assert record.comments == ("12 pages",)
