"""Reading .bib files: macros, concatenations, LaTeX, and every block accounted for."""

from __future__ import annotations

from pathlib import Path

import pytest

from curator.domain.records import BlockStatus
from curator.importers import bibtex, detect_format, parse_listing
from curator.importers.bibtex import BibtexImporter
from curator.services import importing, works
from curator.store.catalog import Catalog
from tests.conftest import FIXTURES
from tests.importers.listing_helpers import assert_covers_every_line

MESSY = FIXTURES / "listings" / "messy.bib"


def _parse():
    return parse_listing(MESSY.read_text(encoding="utf-8"), MESSY.name)


def test_detected_as_bibtex() -> None:
    assert detect_format(MESSY.read_text(encoding="utf-8")) == "bibtex"


def test_entries_are_read_with_macros_concatenation_and_latex() -> None:
    pythia = _parse().records[0]
    assert (pythia.first_line, pythia.last_line) == (6, 14)
    assert pythia.title == "Pythia: A Suite for Analyzing LLMs"
    assert pythia.authors == ("Stella Biderman", "John von Neumann", "Jörg Müller")
    assert pythia.authors_incomplete
    assert pythia.venue == "Transactions of the Association for Computational Linguistics"
    assert pythia.venue_kind == "journal"
    assert (pythia.year, pythia.month, pythia.date) == (2023, 1, "2023-01")
    assert pythia.doi == "10.1000/xyz_123"
    assert pythia.notes is None  # `note` is printed in a bibliography: kept as the note field
    assert dict(pythia.extra)["note"] == r"50% of {\it stuff} with \& and ~tilde"  # as written
    assert pythia.citation_key == "biderman2023pythia"
    assert pythia.entry_type == "article"
    assert pythia.raw.startswith("@article{biderman2023pythia,") and pythia.raw.endswith("}")


def test_duplicate_fields_and_keys_are_imported_and_said() -> None:
    records = {r.first_line: r for r in _parse().records}
    twice = records[16]
    assert twice.title == "First title"  # BibTeX uses the first
    assert twice.venue == "Advances in Neural Information Processing Systems 33"
    assert "field title given twice" in twice.comments[0]
    again = records[19]
    assert again.citation_key is None  # the key belongs to the entry above
    assert "used by an earlier entry" in again.comments[0]
    assert again.venue_kind == "workshop"


def test_broken_blocks_are_rejected_with_their_lines_and_reasons() -> None:
    problems = {p.first_line: p for p in _parse().problems}
    assert problems[20].status is BlockStatus.REJECTED
    assert "comma is probably missing before 'year = {2021}" in problems[21].reason
    assert "'nosuchmacro' is not a defined @string macro" in problems[22].reason
    assert problems[23].reason.startswith("@preamble")
    assert problems[24].reason == "text between entries, which BibTeX ignores"
    assert problems[2].reason.startswith("@string acl")
    assert problems[4].reason.startswith("@comment")


def test_biblatex_date_and_eprint() -> None:
    online = _parse().records[-1]
    assert online.entry_type == "misc"
    assert "@online read as @misc" in online.comments[0]
    assert (online.year, online.month) == (2024, 3)
    assert online.arxiv_id == "2403.01234"
    assert online.title == "An arXiv Only Paper"


def test_every_line_is_accounted_for() -> None:
    text = MESSY.read_text(encoding="utf-8")
    assert_covers_every_line(text, parse_listing(text, MESSY.name))


def test_import_into_the_catalog_keeps_keys_types_and_reports_clashes(
    catalog: Catalog, tmp_path: Path
) -> None:
    run = importing.run_to_end(importing.import_files(catalog, [MESSY]))
    (report,) = run.reports
    assert report.format == "bibtex"
    assert report.counts == {"imported": 4, "unchanged": 0, "skipped": 6, "rejected": 3}
    views = works.works(catalog)
    keys = [w.citation_key for w in views]
    assert keys == ["biderman2023pythia", "twice", None, "arxivonly"]
    pythia = views[0]
    assert (pythia.venue_kind, pythia.entry_type, pythia.entry_type_overridden) == (
        "journal",
        "article",
        False,
    )
    # A second file whose key is already taken: imported, and the clash is said.
    other = tmp_path / "other.bib"
    other.write_text("@misc{twice, title = {Third}}\n", encoding="utf-8")
    run = importing.run_to_end(importing.import_files(catalog, [other]))
    (outcome,) = run.reports[0].outcomes
    assert outcome.status is BlockStatus.IMPORTED
    assert "'twice' is already used by work" in outcome.reason
    assert works.work(catalog, outcome.work_id).citation_key is None


def _records(text: str):  # type: ignore[no-untyped-def]
    return parse_listing(text, "x.bib", format="bibtex").records


def test_crossref_gives_the_container_not_the_parents_identity() -> None:
    text = (
        "@inproceedings{c1, crossref={proc}, title={Paper one}, author={A Bee}}\n"
        "@inproceedings{c2, crossref={PROC}, title={Paper two}, author={C Dee}}\n"
        "@proceedings{proc, title={Proc of X}, year=2020, publisher={ACM}, "
        "doi={10.1145/123456}, url={https://x.org}}\n"
    )
    one, two, proc = _records(text)
    assert (one.venue, one.year, two.venue, two.year) == ("Proc of X", 2020, "Proc of X", 2020)
    assert one.doi is None and two.url is None and proc.doi == "10.1145/123456"
    assert one.title == "Paper one" and one.authors == ("A Bee",)


def test_a_key_the_catalog_cannot_keep_is_said() -> None:
    (rec,) = _records("@article{smith 2020, title={T}}\n")
    assert rec.citation_key is None
    assert any("citation_key" in c for c in rec.comments)


def test_braced_urls_keep_their_braces_percent_encoded() -> None:
    (rec,) = _records("@misc{u, url={https://x.org/{a}}, doi={{10.1000/x}}}\n")
    assert rec.url == "https://x.org/%7Ba%7D"
    assert rec.doi == "10.1000/x"


def test_an_unresolved_crossref_and_a_repeated_field_are_reported() -> None:
    text = (
        "@inproceedings{o, title = {T}, author = {A. B}, booktitle = {X}, year = 2020,\n"
        "  crossref = {notinfile2021}, Volume = {99}, volume = {27}}\n"
    )
    (record,) = BibtexImporter().parse(text).records
    assert "crossref 'notinfile2021' is not an entry of this file" in record.comments
    assert any("repeats volume" in c for c in record.comments)
    assert record.extra == (("volume", "99"),)  # BibTeX reads the first


BIB_FILES = sorted(
    [*(FIXTURES / "bibtex").glob("*.bib"), FIXTURES / "listings" / "messy.bib"], key=str
)


@pytest.mark.parametrize("path", BIB_FILES, ids=lambda p: p.name)
def test_a_file_read_in_pieces_reads_as_it_does_whole(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Big files are parsed a few thousand entries at a time; pieces of one entry each give
    the same records, problems and line numbers as the whole file in one piece."""
    text = path.read_text(encoding="utf-8")
    whole = BibtexImporter().parse(text)
    monkeypatch.setattr(bibtex, "CHUNK_ENTRIES", 1)
    entries = sum(1 for line in text.splitlines() if line.lstrip().startswith("@"))
    assert len(list(bibtex.entry_chunks(bibtex.text_lines(text), 1))) == entries
    pieces = BibtexImporter().parse(text)
    assert pieces.records == whole.records and whole.records
    assert pieces.problems == whole.problems


def test_a_crossref_parent_may_come_first_if_it_is_a_book_or_proceedings() -> None:
    text = (
        "@proceedings{proc, title={Proc of X}, year=2020}\n"
        "@article{art, title={An article}, journal={J}, year=2001}\n"
        "@inproceedings{c1, crossref={proc}, title={Paper one}}\n"
        "@inproceedings{c2, crossref={art}, title={Paper two}}\n"
    )
    _, _, one, two = _records(text)
    assert (one.venue, one.year, one.ordinal) == ("Proc of X", 2020, 3)
    assert any("crossref 'art' names an earlier entry" in c for c in two.comments)
    assert two.venue is None


def test_a_child_is_finished_as_soon_as_its_parent_is_read() -> None:
    """DBLP files crossref every paper to a proceedings entry after it: a child waits for its
    parent only, not for the end of a million-entry file."""
    reader = bibtex.BibtexReader()
    first = reader.feed("@inproceedings{c1, crossref={proc}, title={Paper one}}\n", 1)
    assert first.records == []
    second = reader.feed("@proceedings{proc, title={Proc of X}, year=2020}\n", 2)
    child, parent = sorted(second.records, key=lambda r: r.ordinal)
    assert (child.ordinal, child.venue, child.year, child.first_line) == (1, "Proc of X", 2020, 1)
    assert parent.first_line == 2
    assert reader.finish().records == []


def test_a_lone_carriage_return_does_not_start_a_piece() -> None:
    """bibtexparser starts a block only after a line feed: a file with CR line ends is cut
    where it would be, so a broken first entry swallows what it swallows whole."""
    text = "@misc{a, title={never closed\r@misc{b, title={B}}\r@misc{c, title={C}}\r"
    whole = BibtexImporter().parse(text)
    pieces = [p for p in bibtex.entry_chunks(bibtex.text_lines(text), 1)]
    assert len(pieces) == 1
    assert whole.problems


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("@{@AAAA(\n@{\n@AAAA(\n@{,=0}", [(1, 1), (1, 2), (2, 3), (3, 4), (4, 4)]),
        ("@{@AA{@AA{@AA{\n0\n@AA{@AA}", [(1, 1), (1, 1), (1, 1), (1, 3), (3, 3)]),
        ("@COMMENT{@00{\n@00{", [(1, 1), (2, 2)]),  # not shared: the next is on its own line
        ("@(,=,\n{\n\n@misc{a, title={A}}", [(1, 2), (4, 4)]),  # the "{" bibtexparser drops
    ],
)
def test_blocks_that_share_the_at_sign_they_failed_at_keep_their_own_lines(
    text: str, lines: list[tuple[int, int]]
) -> None:
    """bibtexparser may end a block it could not parse with the "@name" it stopped at, and
    start the next block there; each is placed from there (never before the line bibtexparser
    gives it), so no line is left out (found by the importer fuzz: line 2 was in no block)."""
    result = BibtexImporter().parse(text)
    spans = sorted(
        [(r.first_line, r.last_line) for r in result.records]
        + [(p.first_line, p.last_line) for p in result.problems]
    )
    assert spans == lines
