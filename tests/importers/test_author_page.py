"""Author pages: headers, owners, citations and clean-up, checked against the seeds and fixtures."""

from __future__ import annotations

import pytest

from curator.domain.records import BlockStatus, ParsedRecord
from curator.importers.author_page import (
    AuthorPageImporter,
    doubled_half,
    owner_candidate,
    split_header,
)
from tests.importers.listing_helpers import (
    assert_covers_every_line,
    assert_ordinals,
    fixture_text,
    seed_text,
)

IMPORTER = AuthorPageImporter()
BIDERMAN = ("Stella Biderman",)
SPARSE_TITLE = "Sparse Autoencoders Find Highly Interpretable Features in Language Models"


@pytest.fixture(scope="module")
def page_000() -> list[ParsedRecord]:
    result = IMPORTER.parse(seed_text("000"))
    assert result.problems == []
    return result.records


@pytest.mark.parametrize(("prefix", "count"), [("000", 20), ("001", 20)])
def test_seed_counts_and_coverage(prefix: str, count: int) -> None:
    text = seed_text(prefix)
    result = IMPORTER.parse(text)
    assert result.format == "author-page"
    assert len(result.records) == count
    assert result.problems == []
    assert_ordinals(result)
    assert_covers_every_line(text, result)


def test_header_gives_venue_and_owner(page_000: list[ParsedRecord]) -> None:
    first = page_000[0]
    assert (first.first_line, first.last_line) == (1, 7)
    assert first.title == "Suppressing Pink Elephants with Direct Principle Feedback"
    assert first.venue == "arXiv"
    assert first.authors == BIDERMAN and first.authors_incomplete
    assert (first.year, first.month, first.arxiv_id) == (None, None, None)
    assert "(a “Pink Elephant”)" in (first.abstract or "")
    backdoors = page_000[5]
    assert backdoors.title == "Detecting Backdoors with Meta-Models"
    assert (backdoors.first_line, backdoors.last_line) == (35, 41)
    assert backdoors.venue == "NeurIPS Workshop (Backdoors in DL)"
    venues = [r.venue for r in page_000]
    assert venues[13:17] == ["NeurIPS (Spotlight)", "ICML Workshop", "EMNLP", "EMNLP (Findings)"]


def test_entries_without_header_have_no_venue_and_no_authors(page_000: list[ParsedRecord]) -> None:
    sparse = page_000[2]
    assert (sparse.first_line, sparse.last_line) == (16, 20)
    assert sparse.title == SPARSE_TITLE
    assert sparse.venue is None and sparse.authors == ()
    assert "is polysemanticity, where" in (sparse.abstract or "")
    assert "\\textit" not in (sparse.abstract or "")
    eliciting = page_000[6]
    assert (eliciting.first_line, eliciting.last_line, eliciting.venue) == (43, 47, None)


def test_owner_only_header(page_000: list[ParsedRecord]) -> None:
    repe = page_000[18]
    assert repe.title == "Representation Engineering: A Top-Down Approach to AI Transparency"
    assert (repe.first_line, repe.venue, repe.authors) == (136, None, BIDERMAN)


def test_citation_paragraph_becomes_comment_authors_and_id(page_000: list[ParsedRecord]) -> None:
    goldilocks = page_000[12]
    assert goldilocks.title.startswith("The Goldilocks of Pragmatic Understanding")
    assert (goldilocks.first_line, goldilocks.last_line, goldilocks.venue) == (83, 91, "NeurIPS")
    assert goldilocks.authors == (
        "Laura Ruis",
        "Akbir Khan",
        "Stella Biderman",
        "Sara Hooker",
        "Tim Rocktäschel",
        "Edward Grefenstette",
    )
    assert not goldilocks.authors_incomplete
    assert goldilocks.arxiv_id == "2210.14986"
    assert (goldilocks.year, goldilocks.month) == (2022, 10)
    assert len(goldilocks.comments) == 1
    assert goldilocks.comments[0].startswith("Laura Ruis, Akbir Khan")
    abstract = goldilocks.abstract or ""
    assert abstract.startswith("Despite widespread use of LLMs")
    assert "Laura Ruis" not in abstract
    assert "language in context—incorporating its pragmatics" in abstract
    assert '"I wore gloves"' in abstract  # quoted speech is not mistaken for a citation


def test_repeated_paragraphs_are_dropped(page_000: list[ParsedRecord]) -> None:
    trlx = page_000[15]
    assert trlx.title.startswith("trlX:")
    assert (trlx.first_line, trlx.last_line) == (106, 119)
    paragraphs = (trlx.abstract or "").split("\n\n")
    assert len(paragraphs) == 2
    assert paragraphs[0].startswith("Reinforcement learning from human feedback")
    assert paragraphs[1].startswith("To increase the accessibility")


def test_url_placeholders_are_removed(page_000: list[ParsedRecord]) -> None:
    moments = page_000[1]
    assert (moments.abstract or "").endswith("as if they were drawn from the target class.")
    yarn = page_000[19]
    assert (yarn.abstract or "").endswith("with 64k and 128k context windows")
    assert all("this https URL" not in (r.abstract or "") for r in page_000)


def test_page_with_two_owners() -> None:
    records = IMPORTER.parse(seed_text("001")).records
    assert records[0].authors == ("Alex Loftus",) and records[0].venue is None
    assert records[11].title == "Suppressing Pink Elephants with Direct Principle Feedback"
    assert (records[11].venue, records[11].authors) == ("arXiv", BIDERMAN)
    assert {a for r in records for a in r.authors} == {"Alex Loftus", "Stella Biderman"}


def test_fixture_preamble_dedupe_and_citation() -> None:
    text = fixture_text("author_page.txt")
    result = IMPORTER.parse(text)
    assert_covers_every_line(text, result)
    (preamble,) = result.problems
    assert (preamble.status, preamble.first_line, preamble.raw) == (
        BlockStatus.SKIPPED,
        1,
        "Publications",
    )
    first, scaling, untitled, pragmatics = result.records
    assert (first.title, first.venue, first.authors) == (
        "Sparse Probing of Toy Models",
        "ICML Workshop",
        ("Jane Q. Doe",),
    )
    assert first.abstract == "We study “toy” models—small ones."
    assert scaling.abstract == "We measure how tiny models scale.\n\nWe find they scale – mostly."
    assert (untitled.venue, untitled.authors) == (None, ())
    assert pragmatics.authors == ("Ana Lima", "Jane Q. Doe", "Bo Chen")
    assert (pragmatics.arxiv_id, pragmatics.year, pragmatics.month) == ("2305.01234", 2023, 5)


def test_unclosed_entry_is_rejected() -> None:
    text = fixture_text("author_page_truncated.txt")
    result = IMPORTER.parse(text)
    assert len(result.records) == 1
    (rejected,) = result.problems
    assert rejected.status is BlockStatus.REJECTED
    assert (rejected.first_line, rejected.last_line) == (8, 12)
    assert "Read More" in rejected.reason
    assert_covers_every_line(text, result)


def test_citation_of_someone_elses_paper_is_not_taken() -> None:
    text = (
        "ICLR Jo Doe ICLR Jo Doe\n\nA Title\n\n"
        'Ana Lima and Bo Chen. "Another paper." arXiv preprint arXiv:2101.00001, 2021.\n\n'
        "The abstract.\n\nRead More\n"
    )
    (record,) = IMPORTER.parse(text).records
    assert record.authors == ("Jo Doe",) and record.authors_incomplete
    assert record.arxiv_id is None


def test_doubled_header_detection() -> None:
    assert doubled_half("ICLR Stella Biderman ICLR Stella Biderman") == "ICLR Stella Biderman"
    assert doubled_half("Alex Loftus Alex Loftus") == "Alex Loftus"
    assert doubled_half("Suppressing Pink Elephants") is None
    assert doubled_half("") is None


@pytest.mark.parametrize(
    ("venue", "owner"),
    [
        ("NeurIPS Workshop (Backdoors in DL)", "Stella Biderman"),
        ("arXiv", "Stella Biderman"),
        ("ICML Workshop", "Stella Biderman"),
        ("EMNLP (Findings)", "Stella Biderman"),
        ("NeurIPS (Spotlight)", "Stella Biderman"),
        (None, "Alex Loftus"),
        ("Nature Machine Intelligence", "Stella Biderman"),
        ("ICLR", None),
    ],
)
def test_split_header(venue: str | None, owner: str | None) -> None:
    half = " ".join(part for part in (venue, owner) if part)
    assert split_header(half, {}) == (venue, owner)


def test_owners_seen_elsewhere_settle_ambiguous_headers() -> None:
    assert owner_candidate("Cell Reports Jo Doe") == "Cell Reports Jo Doe"
    support = {"Jo Doe": 5, "Cell Reports Jo Doe": 1}
    assert split_header("Cell Reports Jo Doe", support) == ("Cell Reports", "Jo Doe")
