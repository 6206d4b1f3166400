"""Lab pages: entries segmented on date lines, preamble and headings skipped."""

from __future__ import annotations

import pytest

from curator.domain.records import BlockStatus
from curator.importers import parse_listing
from curator.importers.lab_page import LabPageImporter, is_date_line, is_heading, looks_like_venue
from tests.importers.listing_helpers import (
    assert_covers_every_line,
    assert_ordinals,
    fixture_text,
    seed_text,
)

IMPORTER = LabPageImporter()


def test_seed_counts_and_coverage() -> None:
    text = seed_text("002")
    result = IMPORTER.parse(text)
    assert result.format == "lab-page"
    assert len(result.records) == 5
    assert_ordinals(result)
    assert_covers_every_line(text, result)
    preamble, heading = result.problems
    assert (preamble.status, preamble.first_line, preamble.last_line) == (BlockStatus.SKIPPED, 1, 1)
    assert preamble.reason == "page preamble"
    assert preamble.raw.startswith("2020 年 3 月成立的非营利性AI研究实验室")
    assert (heading.status, heading.first_line, heading.raw) == (
        BlockStatus.SKIPPED,
        2,
        "Recent Publications",
    )
    assert heading.reason == "section heading"


def test_seed_records_field_by_field() -> None:
    records = IMPORTER.parse(seed_text("002")).records
    sparse = records[0]
    assert sparse.title == (
        "Sparse Autoencoders Find Highly Interpretable Features in Language Models"
    )
    assert (sparse.first_line, sparse.last_line) == (3, 6)
    assert (sparse.date, sparse.year, sparse.month) == ("2023-12-17", 2023, 12)
    assert sparse.venue == "NeurIPS Workshop (Attributing Model Behavior At Scale)"
    assert (sparse.abstract or "").startswith("One of the roadblocks")
    assert "internals is polysemanticity" in (sparse.abstract or "")
    assert (sparse.authors, sparse.authors_incomplete) == ((), True)
    backdoors = records[1]
    assert (backdoors.venue, backdoors.date) == ("NeurIPS Workshop (Backdoors In DL)", "2023-12-16")
    eliciting = records[2]
    assert (eliciting.first_line, eliciting.last_line, eliciting.venue) == (11, 13, None)
    assert "reverse order—a reverse LM—as a tool" in (eliciting.abstract or "")
    assert [r.title.split(":")[0] for r in records[3:]] == ["Llemma", "OpenWebMath"]
    assert [(r.first_line, r.last_line) for r in records[3:]] == [(14, 16), (17, 19)]


def test_fixture_date_forms_and_heading() -> None:
    text = fixture_text("lab_page.txt")
    result = IMPORTER.parse(text)
    assert_covers_every_line(text, result)
    assert [p.reason for p in result.problems] == ["page preamble", "section heading"]
    sparse, scaling, note = result.records
    assert sparse.date == "2023-12-17"
    assert sparse.venue == "ICML Workshop (Mechanistic Interpretability)"
    assert sparse.abstract == "We study toy models with sparse probes."
    assert (scaling.date, scaling.year, scaling.month, scaling.venue) == ("2023-11", 2023, 11, None)
    assert scaling.abstract == (
        "We measure how tiny models scale.\n\nThe second line of the abstract goes on."
    )
    assert (note.title, note.date, note.abstract, note.first_line, note.last_line) == (
        "A Short Note",
        "2022-03-05",
        None,
        11,
        12,
    )


def test_heading_between_entries_is_skipped() -> None:
    text = "A Paper\n17 Dec 2023\nThe abstract.\nOlder Publications\nB Paper\n2021-05\nB text.\n"
    result = IMPORTER.parse(text)
    assert [r.title for r in result.records] == ["A Paper", "B Paper"]
    (heading,) = result.problems
    assert (heading.first_line, heading.reason) == (4, "section heading")
    assert_covers_every_line(text, result)


def test_no_dated_entries_is_one_rejected_block() -> None:
    text = fixture_text("prose.txt")
    result = IMPORTER.parse(text)
    assert result.records == []
    (rejected,) = result.problems
    assert rejected.status is BlockStatus.REJECTED
    assert (rejected.first_line, rejected.last_line) == (1, 4)


@pytest.mark.parametrize("line", ["17 Dec 2023", "Dec 17, 2023", "December 2023", "2023-12"])
def test_date_lines(line: str) -> None:
    assert is_date_line(line)


@pytest.mark.parametrize("line", ["2023", "Created: 2022-09-21", "Sparse Autoencoders", ""])
def test_not_date_lines(line: str) -> None:
    assert not is_date_line(line)


def test_headings_and_venues() -> None:
    assert is_heading("Recent Publications") and is_heading("2023")
    assert not is_heading("Sparse Autoencoders Find Highly Interpretable Features")
    assert looks_like_venue("NeurIPS Workshop (Backdoors In DL)")
    assert not looks_like_venue("We present Llemma. It is a model.")


def test_titles_ending_in_a_full_stop_and_year_only_dates_start_entries() -> None:
    text = (
        "Recent Publications\n"
        "First Paper About Things\n17 Dec 2023\nNeurIPS\nWe study things in detail.\n"
        "Second paper: a colon title ends with a dot.\n5 Jan 2024\nICML\nWe study other things.\n"
        "Third Paper\n2022\nWe study a third thing here.\n"
    )
    result = parse_listing(text, "lab.txt", format="lab-page")
    titles = [r.title for r in result.records]
    assert titles == [
        "First Paper About Things",
        "Second paper: a colon title ends with a dot.",
        "Third Paper",
    ]
    assert result.records[2].year == 2022
    assert "Third Paper" not in (result.records[1].abstract or "")


def test_a_year_heading_above_an_entry_is_not_a_date() -> None:
    text = "2023\nA Title\n17 Dec 2023\nAn abstract that goes on for a while.\n"
    result = parse_listing(text, "lab.txt", format="lab-page")
    assert [r.title for r in result.records] == ["A Title"]
    assert [p.reason for p in result.problems] == ["section heading"]
