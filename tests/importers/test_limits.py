"""Hostile input (a doubling chain of BibTeX macros, a pasted 50 MB value, a giant entry or
listing record) is rejected with its lines and a reason, the rest of the file imported, and
nothing grows without bound."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from bibtexparser.entrypoint import parse_string

from curator.domain.records import BlockStatus, ParseResult
from curator.importers import FORMATS, _bibtex_values, parse_listing
from curator.importers.bibtex import BibtexImporter
from curator.importers.limits import MAX_ENTRY_CHARS, MAX_MACRO_CHARS, MAX_VALUE_CHARS
from curator.services import importing
from curator.store.catalog import Catalog, open_catalog
from tests.importers.listing_helpers import run_bounded


def _good(tag: str) -> str:
    """Three plain entries of five lines each, their keys and titles marked with `tag`."""
    return "".join(
        f"@article{{{tag}{i},\n  title = {{Paper {tag}{i}}},\n  author = {{Doe, Jane}},\n"
        "  year = 2020\n}\n"
        for i in range(3)
    )


GOOD, AFTER = _good("a"), _good("b")


_CHILD = """
import json, sys
from curator.importers.bibtex import BibtexImporter
from curator.importers import detect_format
text = open(sys.argv[1], encoding="utf-8").read()
result = BibtexImporter().parse(text)
print(json.dumps({
    "format": detect_format(text),
    "records": [[r.first_line, r.title] for r in result.records],
    "problems": [[p.status, p.first_line, p.last_line, p.reason] for p in result.problems],
}))
"""


def _parse_in_child(path: Path) -> dict[str, Any]:
    """The file parsed (and its format detected) in a bounded process of its own."""
    found: dict[str, Any] = json.loads(run_bounded(_CHILD, str(path)))
    return found


def _chain(depth: int) -> str:
    """@string a0 = "xx", then a_k = a_(k-1) # a_(k-1): a_k is 2^(k+1) characters (line k+1)."""
    links = [f"@string{{a{k} = a{k - 1} # a{k - 1}}}" for k in range(1, depth + 1)]
    return "\n".join(['@string{a0 = "xx"}', *links]) + "\n"


def test_a_doubling_chain_is_rejected_where_it_crosses_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "chain.bib"
    path.write_text(_chain(40) + "@misc{use, title = a40}\n" + GOOD, encoding="utf-8")
    found = _parse_in_child(path)
    assert found["format"] == "bibtex"
    problems = {line: (status, reason) for status, line, _, reason in found["problems"]}
    crossing = next(k for k in range(41) if 2 ** (k + 1) > MAX_MACRO_CHARS)  # a16
    status, reason = problems[crossing + 1]
    assert status == BlockStatus.REJECTED
    assert reason == (
        f"@string a{crossing}: its text would be {2 ** (crossing + 1):,} characters, "
        f"over the {MAX_MACRO_CHARS:,} a macro may have; a doubling chain of macros?"
    )
    for k in range(crossing + 1, 41):  # each later link names the one rejected before it
        status, reason = problems[k + 1]
        assert status == BlockStatus.REJECTED
        assert reason == f"@string a{k}: 'a{k - 1}' is a @string macro rejected at line {k}"
    for k in range(crossing):
        assert problems[k + 1][0] == BlockStatus.SKIPPED
    status, reason = problems[42]
    assert reason == "@misc{use}, field title: 'a40' is a @string macro rejected at line 41"
    assert found["records"] == [[43 + 5 * i, f"Paper a{i}"] for i in range(3)]


def test_an_entry_naming_a_macro_under_the_cap_still_reads_it() -> None:
    text = _chain(10) + "@misc{use, title = a10}\n"
    (record,) = BibtexImporter().parse(text).records
    assert record.title == "x" * 2**11


def _problem_at(result: ParseResult, line: int) -> tuple[BlockStatus, int, str]:
    (found,) = [p for p in result.problems if p.first_line == line]
    return found.status, found.last_line, found.reason


def test_a_value_over_the_cap_is_rejected_with_its_line() -> None:
    size = MAX_VALUE_CHARS + 1
    text = GOOD + f"@misc{{long,\n  abstract = {{{'y' * size}}}\n}}\n" + GOOD
    result = BibtexImporter().parse(text)
    status, last, reason = _problem_at(result, 16)
    assert (status, last) == (BlockStatus.REJECTED, 18)
    assert reason == (
        f"@misc{{long}}, field abstract: its text would be {size:,} characters, over the "
        f"{MAX_VALUE_CHARS:,} a value may have"
    )
    assert [r.first_line for r in result.records] == [1, 6, 11, 19, 24, 29]


def test_a_one_line_value_of_megabytes_is_cut_out_before_bibtexparser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The 50 MB line of the issue, at 3 MB: over the entry cap, so bibtexparser never reads
    it (what it is handed stays under the cap) and the time is that of a scan."""
    handed: list[int] = []

    def watched(text: str, **kwargs: object) -> object:
        handed.append(len(text))
        return parse_string(text, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("curator.importers._bibtex_pieces.parse_string", watched)
    size = 3 * MAX_ENTRY_CHARS
    text = GOOD + "\n@misc{huge, title = {" + "x" * size + "}}\n\n" + AFTER
    result = BibtexImporter().parse(text)
    status, last, reason = _problem_at(result, 17)
    assert (status, last) == (BlockStatus.REJECTED, 18)
    chars = len("@misc{huge, title = {}}\n\n") + size
    assert reason == (
        f"the block starting '@misc{{huge, title = {{xxxxxxxxxxxxxxxxxxx'… is {chars:,} "
        f"characters long, over the {MAX_ENTRY_CHARS:,} one entry may have (a value pasted by "
        "mistake?); it is not read, the rest of the file is"
    )
    assert [r.first_line for r in result.records] == [1, 6, 11, 19, 24, 29]
    assert max(handed) < MAX_ENTRY_CHARS


def test_an_entry_over_the_size_cap_is_rejected_whole() -> None:
    """Many values each under the value cap make an entry over the entry cap."""
    count = MAX_ENTRY_CHARS // MAX_VALUE_CHARS + 1
    fields = "".join(f"  f{i} = {{{'z' * (MAX_VALUE_CHARS - 10)}}},\n" for i in range(count))
    text = GOOD + "@misc{fat,\n" + fields + "}\n" + AFTER
    result = BibtexImporter().parse(text)
    status, last, reason = _problem_at(result, 16)
    assert (status, last) == (BlockStatus.REJECTED, 16 + count + 1)
    assert reason.startswith("the block starting '@misc{fat, f0 = {zzz")
    assert f"over the {MAX_ENTRY_CHARS:,} one entry may have" in reason
    assert len(result.records) == 6


def test_an_entry_whose_macros_make_it_over_the_size_cap_is_rejected() -> None:
    """A few bytes naming a big macro many times: the entry's values, not its text, are big."""
    count = MAX_ENTRY_CHARS // MAX_VALUE_CHARS + 1
    names = ", ".join(f"f{i} = big" for i in range(count))
    text = f'@string{{big = "{"w" * MAX_VALUE_CHARS}"}}\n@misc{{fat, {names}}}\n' + GOOD
    result = BibtexImporter().parse(text)
    status, _, reason = _problem_at(result, 2)
    assert status is BlockStatus.REJECTED
    assert reason == (
        f"@misc{{fat}}, its values come to {count * MAX_VALUE_CHARS:,} characters by field "
        f"f{count - 1}, over the {MAX_ENTRY_CHARS:,} one entry may have"
    )
    assert len(result.records) == 3


def test_a_file_may_copy_only_so_much_from_its_macros(monkeypatch: pytest.MonkeyPatch) -> None:
    """One big macro named by many tiny entries would fill the disk: past the file's budget
    (a few times its size) the entries that copy more are rejected, saying so."""
    monkeypatch.setattr(_bibtex_values, "EXPANSION_FREE", 1000)
    monkeypatch.setattr(_bibtex_values, "EXPANSION_PER_CHAR", 0)
    text = '@string{big = "' + "v" * 400 + '"}\n'
    text += "".join(f"@misc{{e{i}, title = big}}\n" for i in range(4))
    result = BibtexImporter().parse(text)
    assert [r.first_line for r in result.records] == [2, 3]
    status, _, reason = _problem_at(result, 4)
    assert status is BlockStatus.REJECTED
    assert reason.startswith("@misc{e2}, its macros would bring the text this file's entries")
    assert "1,200 characters, over the 1,000 it may copy" in reason


def test_crossref_copies_count_against_the_same_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_bibtex_values, "EXPANSION_FREE", 100)
    monkeypatch.setattr(_bibtex_values, "EXPANSION_PER_CHAR", 0)
    text = "@proceedings{p, title = {" + "P" * 60 + "}, year = 2020}\n"
    text += "".join(f"@inproceedings{{c{i}, crossref = {{p}}, title = {{T}}}}\n" for i in range(3))
    records = BibtexImporter().parse(text).records
    followed = [r for r in records if r.venue == "P" * 60]
    refused = [r for r in records if any("crossref 'p' not followed" in c for c in r.comments)]
    assert len(followed) == 1 and len(refused) == 2
    assert all(r.year is None and r.title == "T" for r in refused)


def test_all_macros_together_have_a_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_bibtex_values, "MAX_MACROS_CHARS", 50)
    text = '@string{a = "' + "a" * 30 + '"}\n@string{b = "' + "b" * 30 + '"}\n'
    text += "@misc{k, title = b}\n@misc{m, title = a}\n"
    result = BibtexImporter().parse(text)
    assert _problem_at(result, 2)[2] == (
        "@string b: the file's macros would hold 60 characters, over the 50 all macros "
        "together may have"
    )
    assert "'b' is a @string macro rejected at line 2" in _problem_at(result, 3)[2]
    assert [r.title for r in result.records] == ["a" * 30]


def test_blank_lines_are_sniffed_in_linear_time(tmp_path: Path) -> None:
    """The format test rescanned a run of blank lines from each of its lines when no entry
    followed: 80,000 blank lines at the end of a file took 15 s, 400,000 most of an hour."""
    path = tmp_path / "blank.bib"
    path.write_text(GOOD + "\n" * 200_000 + " \n" * 200_000 + "% the end\n", encoding="utf-8")
    found = _parse_in_child(path)
    assert found["format"] == "bibtex" and len(found["records"]) == 3


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_huge_line_in_a_big_file_is_read_in_parts_and_rejected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, newline: str
) -> None:
    """A file read in pieces (over STREAM_AT) hands a long line on in parts of at most two
    reads (of a megabyte), never whole, and the block it is in is rejected with its lines;
    every line is numbered as when the file is read whole."""
    path = tmp_path / "huge.bib"
    size = 4 * MAX_ENTRY_CHARS
    text = GOOD + "@misc{huge, title = {" + "x" * size + "}}\n" + AFTER
    path.write_bytes(text.replace("\n", newline).encode())
    longest = max(len(line) for line in importing._FileLines(path))
    assert longest <= 2 << 20
    outcomes = []
    for stream_at in (importing.STREAM_AT, 0):
        monkeypatch.setattr(importing, "STREAM_AT", stream_at)
        catalog = open_catalog(tmp_path / f"catalog{stream_at}.sqlite")
        try:
            run = importing.run_to_end(importing.import_files(catalog, [path]))
        finally:
            catalog.close()
        assert run.ok, run.failures
        (report,) = run.reports
        outcomes.append([(o.status, o.first_line, o.last_line) for o in report.outcomes])
    whole, streamed = outcomes
    assert whole == streamed
    assert [(s, f, la) for s, f, la in whole if s is BlockStatus.REJECTED] == [
        (BlockStatus.REJECTED, 16, 16)
    ]
    assert [f for s, f, _ in whole if s is BlockStatus.IMPORTED] == [1, 6, 11, 17, 22, 27]


@pytest.mark.parametrize("name", ["lab-page", "author-page", "arxiv"])
def test_a_listing_record_over_the_entry_cap_is_rejected(name: str) -> None:
    """Listings have no values to cap, but a record holding a pasted document is refused as a
    .bib entry would be; the records around it are imported."""
    pasted = "word " * (MAX_ENTRY_CHARS // 5 + 1)
    entry = {
        "lab-page": "Title {n}\n17 Dec 2023\n{abstract}\n",
        "author-page": "Title {n}\n\n{abstract}\n\nRead More\n",
        "arxiv": "Title {n}\n{abstract}\narXiv:2101.0000{n}\n",
    }[name]
    text = "".join(
        entry.format(n=n, abstract=pasted if n == 2 else "An abstract of the paper.")
        for n in (1, 2, 3)
    )
    result = FORMATS[name].parse(text)
    assert [r.title for r in result.records] == ["Title 1", "Title 3"]
    (problem,) = [p for p in result.problems if p.status is BlockStatus.REJECTED]
    lines = {"lab-page": (4, 6), "author-page": (6, 10), "arxiv": (4, 6)}[name]
    assert (problem.first_line, problem.last_line) == lines
    assert problem.reason.startswith("the entry starting 'Title 2 ")
    assert f"over the {MAX_ENTRY_CHARS:,} one entry may have" in problem.reason


def test_a_listing_with_a_line_of_megabytes_is_read_in_little_more_memory_than_its_text() -> None:
    """Headings, headers and abstracts were split into words before their length was looked
    at: a 3 MB line of words took 18 bytes a character (a 50 MB one, a gigabyte)."""
    text = "A Paper Title\n17 Dec 2023\n" + "word " * 600_000 + "\n\nT2\n18 Dec 2023\nAbstract.\n"
    tracemalloc.start()
    try:
        result = parse_listing(text, "lab.txt")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [r.title for r in result.records] == ["T2"]
    assert result.problems[0].status is BlockStatus.REJECTED
    assert peak < 5 * len(text)


def test_a_file_of_rejected_entries_says_why_each_was_rejected(
    catalog: Catalog, tmp_path: Path
) -> None:
    """Its only entry names the doubling chain: the import is refused with the line and the
    reason of the first rejection, not as a file in no known style."""
    path = tmp_path / "chain.bib"
    path.write_text(_chain(24) + "@misc{use, title = a24}\n", encoding="utf-8")
    run = importing.run_to_end(importing.import_files(catalog, [path]))
    (failure,) = run.failures
    assert failure.startswith("chain.bib: read as BibTeX file, but no record could be read")
    assert "line 17: @string a16: its text would be 131,072 characters" in failure
