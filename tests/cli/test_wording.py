"""Counts on the command line agree with their nouns: '1 work', never '1 works'."""

from __future__ import annotations

from pathlib import Path

import pytest

from curator.domain.report import counted
from tests.cli.test_works import run

ENTRY = """@article{{{key},
  title = {{{title}}},
  author = {{{authors}}},
  journal = {{{journal}}},
  year = {{2020}},
  doi = {{10.1000/jmlr.2020.1}},
}}
"""


def test_counted_agrees() -> None:
    assert [counted(n, "work") for n in (0, 1, 2)] == ["0 works", "1 work", "2 works"]
    assert counted(1, "entry", "entries") == "1 entry"
    assert counted(3, "entry", "entries") == "3 entries"
    assert counted(12_500, "work") == "12,500 works"


def test_one_of_each_is_said_in_the_singular(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two copies of one paper: one candidate, one merge group, then one work, one entry."""
    db = str(tmp_path / "c.sqlite")
    bib = tmp_path / "two.bib"
    bib.write_text(
        ENTRY.format(
            key="a",
            title="Learning to Rank Scholarly Documents with Graph Neural Networks",
            authors="Smith, Jane and Doe, John",
            journal="Journal of Machine Learning Research",
        )
        + ENTRY.format(
            key="b",
            title="Learning to rank scholarly documents with graph neural networks",
            authors="Smith, J. and Doe, J.",
            journal="J. Mach. Learn. Res.",
        )
    )
    assert run(capsys, "--db", db, "import", str(bib))[0] == 0
    code, out, err = run(capsys, "--db", db, "venues")
    assert code == 0 and out.count("[1 work]") == 2 and err == "2 venues\n"
    assert run(capsys, "--db", db, "candidates")[2] == "1 candidate\n"
    code, out, _ = run(capsys, "--db", db, "merge", "1", "2", "--keep", "1")
    assert code == 0 and out.startswith("merged work 2 into work 1 ")
    assert run(capsys, "--db", db, "works")[2] == "1 work\n"
    code, _, err = run(capsys, "--db", db, "export", "-o", str(tmp_path / "out.bib"))
    assert code == 0 and f"curator: exported 1 entry to {tmp_path / 'out.bib'}" in err
    assert "\n% 1 entry; characters:" in (tmp_path / "out.bib").read_text(encoding="utf-8")
    assert run(capsys, "--db", db, "undo")[0] == 0  # the merge: two works again
    assert run(capsys, "--db", db, "auto-merge", "--band", "sure")[1].startswith(
        "merged 2 works in 1 group "
    )


def test_a_one_record_import_and_new_key_are_singular(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "c.sqlite")
    listing = tmp_path / "one.txt"
    listing.write_text("A preprint's abstract.\narXiv:2101.00001\n")
    assert run(capsys, "--db", db, "import", str(listing))[0] == 0
    code, out, _ = run(capsys, "--db", db, "history")
    assert code == 0 and out.rstrip().endswith("Import one.txt: 1 record")
    code, _, err = run(capsys, "--db", db, "export")
    assert code == 0 and "curator: exported 1 entry, 1 incomplete (listed above), " in err
    assert err.rstrip().endswith("1 new citation key")
