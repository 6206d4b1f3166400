"""Importing files: every block accounted for, idempotent, atomic, and clear about bad input."""

from __future__ import annotations

import multiprocessing
import re
import shutil
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import text

from curator.domain.records import BlockStatus
from curator.importers import bibtex
from curator.services import history, importing, works
from curator.store.catalog import Catalog, open_catalog
from tests.catalog_state import decoded
from tests.conftest import FIXTURES

# Facts read off the seed files: records end with "Read More" on author pages, with an arXiv id
# on arXiv listings; the lab page has a preamble and a heading before five publications.
EXPECTED = {
    "000_996331a0628823f2.txt": ("author-page", 20, 0),
    "001_901f637700b209f8.txt": ("author-page", 20, 0),
    "002_cb567479606c08e0.txt": ("lab-page", 5, 2),
    "003_03848593ce2dcc3d.txt": ("arxiv", 10, 0),
    "004_17ec97d77e89f8d6.txt": ("arxiv", 10, 0),
}


def _import(catalog: Catalog, *paths: Path) -> importing.ImportRun:
    return importing.run_to_end(importing.import_files(catalog, paths))


def _count(catalog: Catalog, table: str) -> int:
    with catalog.read() as s:
        return s.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def _rows(catalog: Catalog, sql: str) -> list[tuple[object, ...]]:
    with catalog.read() as s:
        return [tuple(r) for r in s.execute(text(sql))]


def _has_trigger(catalog: Catalog, name: str) -> bool:
    """Whether the catalog has the trigger: SQLite's schema table, or the server's catalog."""
    if catalog.is_server:
        sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname = :n"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name = :n"
    with catalog.read() as s:
        return s.execute(text(sql), {"n": name}).first() is not None


def _nonblank_lines(path: Path) -> set[int]:
    return {i for i, line in enumerate(path.read_text().splitlines(), 1) if line.strip()}


def test_seeds_import_with_expected_counts(catalog: Catalog, seed_paths: list[Path]) -> None:
    run = _import(catalog, *seed_paths)
    assert run.ok
    by_file = {r.source_file: r for r in run.reports}
    assert set(by_file) == set(EXPECTED)
    for name, (fmt, imported, skipped) in EXPECTED.items():
        report = by_file[name]
        assert report.format == fmt, name
        assert report.counts["imported"] == imported, name
        assert report.counts["skipped"] == skipped, name
        assert report.counts["rejected"] == 0, name
    total = sum(v[1] for v in EXPECTED.values())
    assert _count(catalog, "sourcerecord") == total
    assert _count(catalog, "work") == total


def test_every_nonblank_line_of_every_seed_is_accounted_for(
    catalog: Catalog, seed_paths: list[Path]
) -> None:
    run = _import(catalog, *seed_paths)
    for path, report in zip(seed_paths, run.reports, strict=True):
        covered: list[int] = []
        for o in report.outcomes:
            covered.extend(range(o.first_line, o.last_line + 1))
        assert _nonblank_lines(path) <= set(covered), path.name
        # no line claimed twice, except where a glued arXiv id ends one record and starts the next
        ranges = sorted((o.first_line, o.last_line) for o in report.outcomes)
        for (_, end), (start, _) in pairwise(ranges):
            assert start >= end, path.name


def test_records_keep_raw_text_and_trace_to_lines(seeded: Catalog, seed_paths: list[Path]) -> None:
    texts = {p.name: p.read_text() for p in seed_paths}
    for record in works.records(seeded):
        source = texts[record.source_file]
        assert record.raw in source
        lines = source.splitlines()
        assert record.raw.strip().splitlines()[0].strip() in lines[record.first_line - 1]
        assert record.raw.strip().splitlines()[-1].strip() in lines[record.last_line - 1]


def test_spot_check_against_the_files(seeded: Catalog) -> None:
    records = {(r.source_file, r.ordinal): r for r in works.records(seeded)}
    llemma = records[("000_996331a0628823f2.txt", 9)]
    assert llemma.title == "Llemma: An Open Language Model For Mathematics"
    assert (llemma.first_line, llemma.last_line) == (55, 61)
    assert llemma.venue == "NeurIPS Workshop (Math-AI)"
    assert llemma.authors == ("Stella Biderman",)
    assert llemma.authors_incomplete
    lab = records[("002_cb567479606c08e0.txt", 2)]
    assert lab.title == "Detecting Backdoors with Meta-Models"
    assert lab.date == "2023-12-16"
    assert lab.venue == "NeurIPS Workshop (Backdoors In DL)"
    kmmlu = records[("003_03848593ce2dcc3d.txt", 2)]
    assert kmmlu.arxiv_id == "2402.11548"
    assert kmmlu.abstract.startswith("We propose KMMLU")
    assert (kmmlu.year, kmmlu.month) == (2024, 2)
    assert "Under Review" in kmmlu.comments
    bigbench = next(r for r in records.values() if r.arxiv_id == "2206.04615")
    assert bigbench.title.startswith("Beyond the Imitation Game")
    assert bigbench.authors[0] == "Aarohi Srivastava"
    assert not bigbench.authors_incomplete


def test_works_are_filled_from_their_record(seeded: Catalog) -> None:
    for w in works.works(seeded):
        assert len(w.record_ids) == 1
        (record,) = works.records(seeded, w.id)
        assert (w.title, w.abstract, w.arxiv_id, w.year) == (
            record.title,
            record.abstract,
            record.arxiv_id,
            record.year,
        )
        assert w.venue == (" ".join(record.venue.split()) if record.venue else None) or (
            w.venue and record.venue and w.venue.casefold() == record.venue.casefold()
        )


def test_reimport_adds_nothing_and_reports_unchanged(
    seeded: Catalog, seed_paths: list[Path]
) -> None:
    before = (_count(seeded, "sourcerecord"), _count(seeded, "work"), _count(seeded, "event"))
    run = _import(seeded, *seed_paths)
    after = (_count(seeded, "sourcerecord"), _count(seeded, "work"), _count(seeded, "event"))
    assert before == after
    for report in run.reports:
        assert report.counts["imported"] == 0
        assert report.counts["unchanged"] == EXPECTED[report.source_file][1]


def test_changed_file_adds_only_what_is_new(
    catalog: Catalog, tmp_path: Path, seed_paths: list[Path]
) -> None:
    original = seed_paths[3]  # arXiv listing
    copy = tmp_path / original.name
    lines = original.read_text().splitlines()
    copy.write_text("\n".join(lines[:6]) + "\n")  # the first three records only
    first = _import(catalog, copy).reports[0]
    assert first.counts["imported"] == 3
    shutil.copy(original, copy)
    second = _import(catalog, copy).reports[0]
    assert second.counts["imported"] == 7
    assert second.counts["unchanged"] == 3
    assert _count(catalog, "sourcerecord") == 10


def test_verbatim_repeat_in_one_file_is_skipped(
    catalog: Catalog, tmp_path: Path, seed_paths: list[Path]
) -> None:
    author_page = seed_paths[0].read_text().splitlines()
    block = "\n".join(author_page[0:7])  # the first record, header to "Read More"
    path = tmp_path / "twice.txt"
    path.write_text(block + "\n" + block + "\n")
    report = _import(catalog, path).reports[0]
    assert report.counts == {"imported": 1, "unchanged": 0, "skipped": 1, "rejected": 0}
    skipped = next(o for o in report.outcomes if o.status == BlockStatus.SKIPPED)
    assert "repeats lines 1-7" in skipped.reason


def test_unrecognised_file_is_rejected_and_nothing_written(
    catalog: Catalog, tmp_path: Path
) -> None:
    path = tmp_path / "recipe.txt"
    path.write_text("Pancakes\n\nMix flour, eggs and milk. Fry.\n")
    run = _import(catalog, path)
    assert not run.ok
    assert "recipe.txt" in run.failures[0]
    assert "author page" in run.failures[0].lower()
    assert _count(catalog, "sourcerecord") == _count(catalog, "importbatch") == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"\xff\xfe\x00\x00garbage", "UTF-8"), (b"abc\x00def", "binary")],
)
def test_unreadable_bytes_get_a_message(
    catalog: Catalog, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    run = _import(catalog, path)
    assert message in run.failures[0]


def test_missing_file_and_folder_get_messages(catalog: Catalog, tmp_path: Path) -> None:
    run = _import(catalog, tmp_path / "nope.txt", tmp_path)
    assert "no such file" in run.failures[0]
    assert "folder" in run.failures[1]


def test_import_failing_half_way_leaves_nothing(
    catalog: Catalog, seed_paths: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk unplugged")

    # fails after works and records are written
    monkeypatch.setattr(importing.log, "record", broken)
    with pytest.raises(OSError):
        _import(catalog, seed_paths[0])
    for table in ("work", "sourcerecord", "importbatch", "venue", "venuealias", "event"):
        assert _count(catalog, table) == 0, table


def test_cancelling_rolls_back_the_file_being_written(
    catalog: Catalog, seed_paths: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "CHUNK", 5)
    gen = importing.import_files(catalog, [seed_paths[0], seed_paths[1]])
    messages = []
    for progress in gen:
        messages.append(progress.message)
        if "001_" in progress.message and "records" in progress.message:
            gen.close()  # cancel in the middle of the second file
            break
    files = {r.source_file for r in works.records(catalog)}
    assert files == {seed_paths[0].name}
    assert _count(catalog, "importbatch") == 1


def test_import_is_logged_as_an_event(seeded: Catalog) -> None:
    with seeded.read() as s:
        rows = s.execute(text("SELECT kind, payload FROM event ORDER BY id")).all()
    assert [k for k, _ in rows] == ["import"] * 5
    assert sum(len(decoded(p)["record_ids"]) for _, p in rows) == _count(seeded, "sourcerecord")


def test_venue_labels_become_venues_with_aliases(seeded: Catalog) -> None:
    names = works.venue_names(seeded)
    assert "NeurIPS Workshop (Math-AI)" in names
    assert "ICLR" in names
    # "Backdoors in DL" and "Backdoors In DL" are one venue label, remembered once
    backdoor = [n for n in names if "backdoors" in n.lower()]
    assert len(backdoor) == 1
    with seeded.read() as s:
        kinds = dict(s.execute(text("SELECT name, kind FROM venue")).all())
    assert kinds["ICLR"] == "conference"
    assert kinds["arXiv"] == "preprint"
    assert kinds["NeurIPS Workshop (Math-AI)"] == "workshop"


def test_a_bibtex_journal_field_gives_the_kind_unless_it_names_a_preprint_server(
    catalog: Catalog, tmp_path: Path
) -> None:
    path = tmp_path / "kinds.bib"
    path.write_text(
        "@article{a, title={One}, author={A. B}, journal={CoRR}, year=2017}\n"
        "@article{b, title={Two}, author={C. D}, journal={Nature Machine Intelligence}}\n"
        "@inproceedings{c, title={Three}, author={E. F}, booktitle={Machine Learning}, year=2019}\n"
    )
    assert importing.run_to_end(importing.import_files(catalog, [path])).ok
    with catalog.read() as s:
        kinds = dict(s.execute(text("SELECT name, kind FROM venue")).all())
    assert kinds == {
        "CoRR": "preprint",
        "Nature Machine Intelligence": "journal",
        "Machine Learning": "conference",
    }


def test_a_label_fixed_once_stays_fixed(catalog: Catalog, seed_paths: list[Path]) -> None:
    _import(catalog, seed_paths[0])
    with catalog.write() as s:
        s.execute(
            text(
                "UPDATE venue SET name = 'International Conference on Learning Representations'"
                " WHERE name = 'ICLR'"
            )
        )
    _import(catalog, seed_paths[1])
    iclr = [w for w in works.works(catalog) if w.venue and "Learning Representations" in w.venue]
    assert len(iclr) == 4  # two ICLR papers in each author page
    assert "ICLR" not in works.venue_names(catalog)


def test_forcing_a_style_that_reads_nothing_is_an_error(
    catalog: Catalog, seed_paths: list[Path]
) -> None:
    run = importing.run_to_end(
        importing.import_files(catalog, [seed_paths[3]], format="author-page")
    )
    assert not run.ok
    assert "no record could be read" in run.failures[0]
    assert _count(catalog, "importbatch") == 0
    (report,) = run.reports  # what became of each block is still told
    assert report.refused == run.failures[0] and report.batch_id is None
    assert report.outcomes and report.counts["imported"] == 0


def test_a_text_listing_read_as_bibtex_is_refused_with_its_report(
    catalog: Catalog, tmp_path: Path
) -> None:
    """BibTeX ignores text between entries: a listing forced as BibTeX holds nothing. That is
    an error (not '0 imported'), and the report says what became of each block, and where."""
    path = tmp_path / "listing.txt"
    path.write_text("A preprint's abstract.\narXiv:2101.00001\nAnother one.\narXiv:2101.00002\n")
    run = importing.run_to_end(importing.import_files(catalog, [path], format="bibtex"))
    assert run.failures == [
        "listing.txt: read as BibTeX file, but no publication entries were found "
        "(1 block skipped; lines 1-4: text between entries, which BibTeX ignores)"
    ]
    (report,) = run.reports
    assert report.refused == run.failures[0] and report.to_json()["refused"] == report.refused
    assert [(o.status, o.lines) for o in report.outcomes] == [(BlockStatus.SKIPPED, "lines 1-4")]
    for table in ("work", "sourcerecord", "importbatch", "event"):
        assert _count(catalog, table) == 0, table


def test_a_file_of_problems_counts_them_and_names_the_first_rejection(
    catalog: Catalog, tmp_path: Path
) -> None:
    path = tmp_path / "bad.bib"
    path.write_text(
        "@comment{jabref}\n@string{acl = {ACL}}\n@misc{broken, title = {unbalanced, year = 2020}\n"
    )
    run = _import(catalog, path)
    (failure,) = run.failures
    assert failure.startswith(
        "bad.bib: read as BibTeX file, but no record could be read (1 block rejected, 2 skipped; "
        "line 3: "
    ), failure
    (report,) = run.reports
    assert [o.first_line for o in report.outcomes] == [1, 2, 3]
    assert report.counts == {"imported": 0, "unchanged": 0, "skipped": 2, "rejected": 1}


@pytest.mark.parametrize("content", [b"", b"  \n\n\t\n", b"\xef\xbb\xbf\n"])
@pytest.mark.parametrize("format", [None, "bibtex", "arxiv"])
def test_an_empty_file_says_so_whatever_the_style(
    catalog: Catalog, tmp_path: Path, content: bytes, format: str | None
) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    run = importing.run_to_end(importing.import_files(catalog, [path], format=format))
    assert run.failures == ["empty.txt: the file is empty; there is nothing to import"]
    assert run.reports == [] and _count(catalog, "importbatch") == 0


def test_a_one_record_import_is_named_in_the_singular(catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "one.txt"
    path.write_text("A preprint's abstract.\narXiv:2101.00001\n")
    assert _import(catalog, path).ok
    (step,) = history.history(catalog)
    assert step.summary == "Import one.txt: 1 record"


def _bib_files(tmp_path: Path) -> list[Path]:
    """The BibTeX fixtures, one with CRLF line ends, one with a byte-order mark."""
    bibs = sorted((FIXTURES / "bibtex").glob("*.bib"), key=str)
    crlf = tmp_path / "crlf.bib"
    crlf.write_bytes(bibs[0].read_bytes().replace(b"\n", b"\r\n"))
    bom = tmp_path / "bom.bib"
    bom.write_bytes(b"\xef\xbb\xbf" + bibs[1].read_bytes())
    return [*bibs, crlf, bom, FIXTURES / "listings" / "messy.bib"]


def _outcomes(run: importing.ImportRun) -> list[tuple[object, ...]]:
    """What became of each block; which work holds a key is left out (entries that wait for
    their crossref parent are written last when a file is read in pieces)."""
    return [
        (o.status, o.first_line, o.last_line, re.sub(r"work \d+", "work", o.reason), o.title)
        for report in run.reports
        for o in report.outcomes
    ]


def test_a_big_bibtex_file_is_read_in_pieces_with_the_same_outcome(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files over STREAM_AT are read a few entries at a time, as they are written, and the
    full-text index is filled once at the end; every block ends up as it would whole."""
    paths = _bib_files(tmp_path)
    whole = open_catalog(tmp_path / "whole.sqlite")
    expected = _import(whole, *paths)
    monkeypatch.setattr(importing, "STREAM_AT", 0)
    monkeypatch.setattr(bibtex, "CHUNK_ENTRIES", 2)
    monkeypatch.setattr(importing, "FILL_FULL_TEXT_AT", 1)
    streamed = _import(catalog, *paths)
    assert streamed.ok and _outcomes(streamed) == _outcomes(expected)
    assert [r.format for r in streamed.reports] == ["bibtex"] * len(paths)
    assert sorted(w.raw for w in works.records(catalog)) == sorted(
        w.raw for w in works.records(whole)
    )
    assert any("\r\n" in w.raw for w in works.records(catalog))  # the bytes as they were
    for word in ("Knuth", "Python", "Aamport"):  # the index was filled, and follows edits
        assert works.rows(catalog, word) and len(works.rows(catalog, word)) == len(
            works.rows(whole, word)
        )
    first = works.rows(catalog)[0].id
    works.edit_work(catalog, first, {"title": "Zebrafish grammar"})
    assert [r.id for r in works.rows(catalog, "zebrafish")] == [first]
    batch_hashes = {b for (b,) in _rows(catalog, "SELECT file_hash FROM importbatch")}
    assert all(len(h) == 64 for h in batch_hashes)
    whole.close()


def test_a_big_file_with_a_bad_byte_late_leaves_nothing(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "STREAM_AT", 0)
    monkeypatch.setattr(bibtex, "CHUNK_ENTRIES", 1)
    good = (FIXTURES / "bibtex" / "xampl.bib").read_bytes()
    path = tmp_path / "late.bib"
    path.write_bytes(good * 40 + b"@misc{x, title={caf\xe9}}\n")
    run = _import(catalog, path)
    assert f"bad byte at offset {len(good) * 40 + len('@misc{x, title={caf')}" in run.failures[0]
    for table in ("work", "sourcerecord", "importbatch", "event"):
        assert _count(catalog, table) == 0, table
    assert _has_trigger(catalog, "work_fts_insert")  # a file's big import drops it a while


def test_cancelling_a_big_import_stops_its_reader_and_leaves_nothing(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "STREAM_AT", 0)
    monkeypatch.setattr(bibtex, "CHUNK_ENTRIES", 1)
    monkeypatch.setattr(importing, "CHUNK", 1)
    path = tmp_path / "big.bib"
    path.write_bytes((FIXTURES / "bibtex" / "xampl.bib").read_bytes() * 20)
    gen = importing.import_files(catalog, [path])
    for progress in gen:
        if "records" in progress.message:
            gen.close()  # cancel while the reader is still reading
            break
    assert multiprocessing.active_children() == []
    for table in ("work", "sourcerecord", "importbatch", "event"):
        assert _count(catalog, table) == 0, table


def test_a_big_file_with_no_entry_is_refused_as_a_small_one_is(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "strings.bib"
    path.write_text("".join(f"@string{{s{i} = {{ACM}}}}\n@comment{{none}}\n" for i in range(30)))
    whole = _import(catalog, path)
    monkeypatch.setattr(importing, "STREAM_AT", 0)
    streamed = _import(catalog, path)
    assert whole.failures and streamed.failures
    assert "no publication entries were found" in streamed.failures[0]
    assert _count(catalog, "importbatch") == 0


def test_a_bad_byte_across_two_reads_is_placed_exactly(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = b"@misc{x, title={T}}\n"
    filler = entry * ((1 << 20) // len(entry))
    pad = b"%" * ((1 << 20) - len(filler) - 1) + b"\n"  # the first read ends here
    path = tmp_path / "split.bib"
    path.write_bytes(filler + pad[:-2] + b"\xc3" + b"(" + b"\n" + entry * 3)
    whole = _import(catalog, path)
    monkeypatch.setattr(importing, "STREAM_AT", 0)
    streamed = _import(catalog, path)
    assert whole.failures == streamed.failures
    assert f"bad byte at offset {len(filler) + len(pad) - 2}" in streamed.failures[0]
