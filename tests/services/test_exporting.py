"""Exporting the catalog as BibTeX: stable keys, gaps, atomic files, and round trips."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curator.domain.catalog import VenueKind, WorkView
from curator.domain.errors import CuratorError, ValidationError
from curator.domain.fields import validate_changes
from curator.export.bibtex import ExportOptions
from curator.export.keys import key_base
from curator.export.latex import Charset
from curator.importers.latex import decode_bibtex_value
from curator.services import candidates, decisions, exporting, history, importing, works
from curator.store.catalog import Catalog, open_catalog
from curator.store.tables import Work
from curator.store.writes import Created, venue_for_label
from tests.export.strategies import hostile_text

ALL_FIELDS = ExportOptions(abstracts=True)
# What a BibTeX file carries of a work; compared after a round trip.
CARRIED = (
    "title", "abstract", "authors", "authors_incomplete", "venue", "year", "month", "arxiv_id",
    "doi", "url", "entry_type", "citation_key", "notes", "extra",
)  # fmt: skip
# Kept fields a random work may have, and BibTeX source values for them (kept verbatim). Not
# those an import reads as a venue (publisher, howpublished...): their own test is below.
_EXTRA_NAMES = (
    "editor", "volume", "number", "pages", "edition", "series", "address", "note", "isbn",
)  # fmt: skip
_bibtex_value = st.one_of(
    st.sampled_from(
        [r'M{\"u}ller and {Barnes and Noble, Inc.}', "97--111", r"\url{https://x.org/~me/a_b}",
         r"Taylor \& Francis", r"See~\cite{x} \par More", "$x^2$", "Zürich", "{ACM} Press"]
    ),
    st.text("abcXYZ 0123-.,:;'()!?", min_size=1, max_size=20).map(" ".join).filter(str.strip),
)  # fmt: skip


def export(catalog: Catalog, path: Path, options: ExportOptions = ALL_FIELDS, **scope):
    plan = exporting.plan(catalog, **scope)
    return exporting.run_to_end(exporting.export_bibtex(catalog, plan, path, options))


def carried(view: WorkView) -> dict:
    return {name: getattr(view, name) for name in CARRIED}


def reimported(path: Path, tmp: Path) -> list[WorkView]:
    other = open_catalog(tmp / f"reimport-{path.stem}.sqlite")
    try:
        run = importing.run_to_end(importing.import_files(other, [path]))
        assert run.ok, run.failures
        assert run.reports[0].counts["rejected"] == 0
        return works.works(other)
    finally:
        other.close()


def test_sample_after_merges_round_trips_field_by_field(seeded: Catalog, tmp_path: Path) -> None:
    found = candidates.candidates(seeded)
    decisions.merge(seeded, [found[0].a, found[0].b])
    candidates.auto_merge(seeded)
    bib = tmp_path / "sample.bib"
    result = export(seeded, bib)
    before = works.works(seeded)
    assert result.n_entries == len(before)
    after = reimported(bib, tmp_path)
    assert [carried(w) for w in after] == [carried(w) for w in before]
    assert [w.venue_kind for w in after] == [w.venue_kind for w in before]


def test_keys_are_saved_once_and_kept_on_the_next_export(seeded: Catalog, tmp_path: Path) -> None:
    first = export(seeded, tmp_path / "a.bib")
    assert len(first.new_keys) == len(works.works(seeded))
    wid = next(iter(first.new_keys))
    works.edit_work(seeded, wid, {"title": "A completely different title", "year": "1999"})
    second = export(seeded, tmp_path / "b.bib")
    assert second.new_keys == {}
    assert works.work(seeded, wid).citation_key == first.new_keys[wid]
    assert (tmp_path / "a.bib").read_text().split("\n", 2)[2] != ""
    keys_a = [line for line in (tmp_path / "a.bib").read_text().splitlines() if line[:1] == "@"]
    keys_b = [line for line in (tmp_path / "b.bib").read_text().splitlines() if line[:1] == "@"]
    assert [k.split("{")[1] for k in keys_a] == [k.split("{")[1] for k in keys_b]


def test_keys_are_unique_readable_and_a_quiet_step(seeded: Catalog, tmp_path: Path) -> None:
    """The keys are one step of the history, passed over by undo (an export is not an edit)
    and undone on their own from the history."""
    last_import = history.next_steps(seeded)[0]
    result = export(seeded, tmp_path / "a.bib")
    keys = list(result.new_keys.values())
    assert len(set(keys)) == len(keys)
    for work in works.works(seeded):
        if work.authors and work.year and work.title:
            assert work.citation_key.startswith(key_base(work.authors, work.year, work.title))
    given = history.history(seeded)[-1]
    assert given.summary.startswith("Citation keys for") and given.quiet
    assert history.next_steps(seeded)[0] == last_import
    history.undo_quiet(seeded, given.id)
    assert all(w.citation_key is None for w in works.works(seeded))
    assert history.history(seeded)[-2].state == "undone"
    assert history.next_steps(seeded) == (last_import, None)  # never redone: export again
    again = export(seeded, tmp_path / "b.bib")
    assert sorted(again.new_keys.values()) == sorted(keys)


def test_scope_by_ids_and_by_search(seeded: Catalog, tmp_path: Path) -> None:
    ids = [w.id for w in works.works(seeded)][:3]
    assert export(seeded, tmp_path / "ids.bib", ids=ids).n_entries == 3
    found = works.works(seeded, search="RWKV")
    assert export(seeded, tmp_path / "s.bib", search="RWKV").n_entries == len(found) > 0
    with pytest.raises(CuratorError, match="no work with id 999999"):
        exporting.plan(seeded, ids=[999999])


def test_gaps_name_the_missing_fields_per_entry_type(seeded: Catalog) -> None:
    plan = exporting.plan(seeded)
    by_id = {g.work_id: g for g in plan.gaps}
    planned = [works.work(seeded, i) for i in plan.ids]
    untitled = next(w for w in planned if not w.title)
    expected = tuple(
        name
        for name, present in (
            ("author", bool(untitled.authors)),
            ("title", False),
            ("year", untitled.year is not None),
        )
        if not present
    )
    assert by_id[untitled.id].missing == expected
    conference = next(w for w in planned if w.entry_type == "inproceedings" and not w.year)
    assert "year" in by_id[conference.id].missing
    complete = [w for w in planned if w.authors and w.title and w.year and w.venue]
    assert complete and all(w.id not in by_id for w in complete)


def test_a_file_that_cannot_be_written_saves_nothing(seeded: Catalog, tmp_path: Path) -> None:
    with pytest.raises(CuratorError, match="no such folder"):
        export(seeded, tmp_path / "missing" / "out.bib")
    assert all(w.citation_key is None for w in works.works(seeded))
    target = tmp_path / "locked"
    target.mkdir()
    with pytest.raises(CuratorError, match="is a folder, not a file"):
        export(seeded, target)
    assert list(tmp_path.glob(".*.tmp")) == [] and list(target.iterdir()) == []
    assert all(w.citation_key is None for w in works.works(seeded))


def test_written_a_chunk_at_a_time_as_one_and_a_cancel_leaves_the_old_file(
    seeded: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = export(seeded, tmp_path / "whole.bib")
    text = (tmp_path / "whole.bib").read_text()
    for wid in whole.new_keys:  # the same keys next time
        works.edit_work(seeded, wid, {"citation_key": None})
    monkeypatch.setattr(exporting, "CHUNK", 3)
    out = tmp_path / "out.bib"
    out.write_text("the librarian's old file\n")
    gen = exporting.export_bibtex(seeded, exporting.plan(seeded), out, ExportOptions())
    for progress in gen:
        if progress.done >= 6:
            gen.close()  # cancelled half way
            break
    assert out.read_text() == "the librarian's old file\n"
    assert list(tmp_path.glob(".*.tmp")) == []
    assert all(w.citation_key is None for w in works.works(seeded))
    export(seeded, out)
    assert _entries(out.read_text()) == _entries(text)


def _entries(text: str) -> str:
    return text.split("\n", 2)[2]  # after the header, which says when


def test_import_then_export_then_import_keeps_every_field(catalog: Catalog, tmp_path: Path) -> None:
    from tests.conftest import FIXTURES

    importing.run_to_end(importing.import_files(catalog, [FIXTURES / "listings" / "messy.bib"]))
    bib = tmp_path / "again.bib"
    export(catalog, bib)
    before = works.works(catalog)
    assert [carried(w) for w in reimported(bib, tmp_path)] == [carried(w) for w in before]


# --- random works, hostile values -------------------------------------------------------------

_kinds = st.sampled_from([k.value for k in VenueKind])


def work_strategy(
    text: Callable[..., st.SearchStrategy[str]], with_extra: bool = True
) -> st.SearchStrategy[dict]:
    """Random work fields as a librarian could type them, free text drawn from `text`; other
    BibTeX fields (source text, kept verbatim: not typeset-safe) unless `with_extra` is off."""
    extra = st.dictionaries(st.sampled_from(_EXTRA_NAMES), _bibtex_value, max_size=3)
    return st.fixed_dictionaries(
        {
            "title": st.one_of(st.none(), text()),
            "abstract": st.one_of(st.none(), text(12)),
            "authors": st.lists(text(3), max_size=4),
            "authors_incomplete": st.booleans(),
            "year": st.one_of(st.none(), st.integers(1450, 2100)),
            "month": st.one_of(st.none(), st.integers(1, 12)),
            "arxiv_id": st.one_of(st.none(), st.sampled_from(["2403.01234", "hep-th/9901001"])),
            "doi": st.one_of(st.none(), st.just("10.1000/a_b%c#d~e")),
            "url": st.one_of(st.none(), st.just("https://example.org/a_b%20c#x~y{z}")),
            "notes": st.one_of(st.none(), text()),
            "extra": extra if with_extra else st.just({}),
            "entry_type": st.one_of(
                st.none(), st.sampled_from(["article", "misc", "techreport", "unpublished"])
            ),
        }
    )


def venue_strategy(text: Callable[..., st.SearchStrategy[str]]) -> st.SearchStrategy:
    return st.one_of(st.none(), st.tuples(text(3), _kinds))


_work = work_strategy(hostile_text)
_venue = venue_strategy(hostile_text)


def add_work(catalog: Catalog, fields: dict, venue: tuple[str, str] | None) -> None:
    clean = validate_changes(fields)
    with catalog.write() as s:
        venue_id = None
        label = validate_changes({"venue": venue[0]})["venue"] if venue else None
        if label:
            venue_id = venue_for_label(s, label, Created(), venue[1])
        s.add(Work(**{**clean, "authors": list(clean["authors"]), "venue_id": venue_id}))


@pytest.mark.parametrize("charset", list(Charset))
@given(data=st.lists(st.tuples(_work, _venue), min_size=1, max_size=6))
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_random_works_round_trip(charset: Charset, data: list, tmp_path_factory) -> None:
    tmp = tmp_path_factory.mktemp("roundtrip")
    catalog = open_catalog(tmp / "a.sqlite")
    try:
        for fields, venue in data:
            add_work(catalog, fields, venue)
        bib = tmp / "out.bib"
        export(catalog, bib, ExportOptions(charset=charset, abstracts=True))
        before = [carried(w) for w in works.works(catalog)]
    finally:
        catalog.close()
    after = [carried(w) for w in reimported(bib, tmp)]
    if charset is Charset.LATEX:  # other fields are BibTeX source: Zürich came back Z{\"u}rich
        before, after = _read_extra(before), _read_extra(after)
    assert after == before, bib.read_text(encoding="utf-8")


def _read_extra(rows: list[dict]) -> list[dict]:
    return [{**r, "extra": [(n, decode_bibtex_value(v)) for n, v in r["extra"]]} for r in rows]


def test_keys_clash_whatever_their_case(catalog: Catalog, tmp_path: Path) -> None:
    first, second = tmp_path / "a.bib", tmp_path / "b.bib"
    first.write_text("@article{Smith2020title, title={One}, author={J Smith}, year=2020}\n")
    second.write_text("@article{SMITH2020TITLE, title={Two}, author={J Smith}, year=2020}\n")
    importing.run_to_end(importing.import_files(catalog, [first, second]))
    one, two = works.works(catalog)
    assert one.citation_key == "Smith2020title" and two.citation_key is None
    result = export(catalog, tmp_path / "out.bib")
    assert result.new_keys[two.id].casefold() != "smith2020title"
    with pytest.raises(ValidationError, match="already used"):
        works.edit_work(catalog, two.id, {"citation_key": "smith2020TITLE"})


def test_the_written_file_keeps_its_permissions_and_links(seeded: Catalog, tmp_path: Path) -> None:
    target = tmp_path / "shared.bib"
    target.write_text("old")
    target.chmod(0o664)
    link = tmp_path / "link.bib"
    link.symlink_to(target)
    export(seeded, link)
    assert link.is_symlink() and target.read_text().startswith("% Exported by curator")
    assert target.stat().st_mode & 0o777 == 0o664
    target.chmod(0o444)
    if not os.access(target, os.W_OK):  # root may write anyway
        with pytest.raises(CuratorError, match="read-only"):
            export(seeded, target)


def import_bib(catalog: Catalog, tmp: Path, text: str) -> None:
    source = tmp / "in.bib"
    source.write_text(text, encoding="utf-8")
    assert importing.run_to_end(importing.import_files(catalog, [source])).ok


def test_fields_curator_does_not_model_come_back_out(catalog: Catalog, tmp_path: Path) -> None:
    import_bib(
        catalog,
        tmp_path,
        "@article{knuth1984, author = {Donald E. Knuth}, title = {Literate Programming},\n"
        "  journal = {The Computer Journal}, year = 1984, volume = 27, number = 2,\n"
        "  pages = {97--111}, publisher = {Oxford University Press}, note = {Reprinted}}\n"
        "@misc{x, author = {A. B}, title = {Arxiv}, eprint = {2403.01234}, archiveprefix = {arXiv},"
        " primaryclass = {cs.LG}, year = 2024, date = {2024-03-05}}\n"
        "@incollection{c, author = {A. Writer}, title = {A Chapter}, booktitle = {The Book},\n"
        "  year = 2001, editor = {E. Ditor and F. Ditor}, publisher = {Springer}}\n",
    )
    knuth = next(w for w in works.works(catalog) if w.citation_key == "knuth1984")
    assert dict(knuth.extra) == {
        "volume": "27",
        "number": "2",
        "pages": "97--111",
        "publisher": "Oxford University Press",
        "note": "Reprinted",
    }
    assert [g.missing for g in exporting.plan(catalog).gaps] == []  # the chapter has a publisher
    out = tmp_path / "out.bib"
    export(catalog, out)
    text = out.read_text(encoding="utf-8")
    for line in ("volume = {27}", "pages = {97--111}", "note = {Reprinted}",
                 "primaryclass = {cs.LG}", "date = {2024-03-05}",
                 "editor = {E. Ditor and F. Ditor}", "publisher = {Springer}"):  # fmt: skip
        assert line in text


def test_a_venue_never_overwrites_a_field_the_source_gave(catalog: Catalog, tmp_path: Path) -> None:
    """Where an entry type writes its venue (a @book's publisher) the source may have its own
    value: both reach the file, and read back as venue and field again."""
    import_bib(
        catalog,
        tmp_path,
        "@proceedings{p, title = {Proc}, editor = {E. D}, booktitle = {Proc Conf 2020},\n"
        "  publisher = {ACM}, year = 2020}\n"
        "@book{b, title = {Book}, author = {A. B}, year = 2001, publisher = {Springer},\n"
        "  institution = {Some Lab}, howpublished = {\\url{https://x.org/~me}}}\n"
        "@misc{m, title = {Misc}, author = {C. D}, year = 2002, institution = {MIT},\n"
        "  howpublished = {\\url{https://y.org/a_b}}}\n",
    )
    before = {w.title: (w.venue, w.extra) for w in works.works(catalog)}
    out = tmp_path / "out.bib"
    export(catalog, out)
    text = out.read_text(encoding="utf-8")
    for value in ("{Proc Conf 2020}", "{ACM}", "{Springer}", "{Some Lab}", "{MIT}",
                  r"{\url{https://x.org/~me}}", r"{\url{https://y.org/a_b}}"):  # fmt: skip
        assert value in text, value
    again = {w.title: (w.venue, w.extra) for w in reimported(out, tmp_path)}
    assert again == before


def test_a_merged_pubmed_id_is_kept_beside_the_arxiv_id(catalog: Catalog, tmp_path: Path) -> None:
    import_bib(
        catalog,
        tmp_path,
        "@article{pub, author = {A. B}, title = {Same Paper}, journal = {Nature}, year = 2020,\n"
        "  eprint = {31234567}, eprinttype = {pubmed}}\n"
        "@misc{pre, author = {A. B}, title = {Same Paper}, year = 2019,\n"
        "  eprint = {2001.00001}, archiveprefix = {arXiv}}\n",
    )
    ids = [w.id for w in works.works(catalog)]
    merged = decisions.merge(catalog, ids)
    work = works.work(catalog, merged.survivor)
    assert work.arxiv_id == "2001.00001" and dict(work.extra)["eprint"] == "31234567"
    out = tmp_path / "out.bib"
    export(catalog, out)
    text = out.read_text(encoding="utf-8")
    assert "eprint = {2001.00001}" in text and "pmid = {31234567}" in text
    assert "pubmed" not in text  # no second eprint type to contradict arXiv


def test_latex_charset_leaves_urls_and_paths_alone(catalog: Catalog, tmp_path: Path) -> None:
    import_bib(
        catalog,
        tmp_path,
        "@misc{m, author = {A. B}, title = {T}, year = 2020,\n"
        "  note = {Zürich, see \\url{https://x.org/Jörg}}, file = {:/home/jörg/a.pdf:PDF}}\n",
    )
    out = tmp_path / "out.bib"
    export(catalog, out, ExportOptions(charset=Charset.LATEX))
    text = out.read_text(encoding="utf-8")
    assert r"note = {Z{\"u}rich, see \url{https://x.org/Jörg}}" in text
    assert "file = {:/home/jörg/a.pdf:PDF}" in text


def test_a_plan_whose_works_went_away_is_refused_in_words(seeded: Catalog, tmp_path: Path) -> None:
    plan = exporting.plan(seeded)
    found = candidates.candidates(seeded)
    decisions.merge(seeded, [found[0].a, found[0].b])  # one of the planned works is gone
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(CuratorError, match="merged or removed since it was planned"):
        exporting.run_to_end(exporting.export_bibtex(seeded, plan, out / "a.bib", ALL_FIELDS))
    assert list(out.iterdir()) == []  # no file, no temporary file left


# --- targets that are not files, temp files of killed exports, fsync ----------------------------


def device_node(folder: Path) -> Path:
    """A character device like /dev/null, made in the test's own folder (so that a failing
    export replaces that node, never the machine's /dev/null)."""
    node = folder / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device node needs root")
    return node


@pytest.fixture
def not_a_file(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """An export target that is not a regular file, and the words that refuse it (a regex)."""
    kind = request.param
    if kind == "device":
        yield device_node(tmp_path), "is a device, not a file"
    elif kind == "fifo":
        os.mkfifo(tmp_path / "pipe")
        yield tmp_path / "pipe", r"is a pipe \(FIFO\), not a file"
    elif kind == "folder":
        (tmp_path / "folder.bib").mkdir()
        yield tmp_path / "folder.bib", "is a folder, not a file"
    elif kind == "socket":
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(str(tmp_path / "sock"))
            yield tmp_path / "sock", "is a socket, not a file"
    else:  # a symlink to a device: refused like the device (a link to a file is followed)
        link = tmp_path / "link.bib"
        link.symlink_to(device_node(tmp_path))
        yield link, "link.bib links to .*null, a device, not a file"


def _node(path: Path) -> tuple[int, int, int, int]:
    info = path.lstat()
    return info.st_mode, info.st_ino, info.st_rdev, info.st_size


@pytest.mark.parametrize(
    "not_a_file", ["device", "fifo", "folder", "socket", "link to device"], indirect=True
)
def test_a_target_that_is_not_a_file_is_refused_before_anything_is_saved(
    seeded: Catalog, tmp_path: Path, not_a_file: tuple[Path, str]
) -> None:
    target, words = not_a_file
    before, steps = _node(target), history.count(seeded)
    with pytest.raises(CuratorError, match=f"{words}; choose a file name for the export"):
        export(seeded, target)
    assert _node(target) == before
    assert history.count(seeded) == steps
    assert all(w.citation_key is None for w in works.works(seeded))
    assert list(tmp_path.glob(".*.tmp")) == []


def refuse_replacing_dev_null(monkeypatch: pytest.MonkeyPatch) -> None:
    """A safety net for the tests that name the real /dev/null: should the check ever be lost,
    the test fails instead of turning the machine's /dev/null into a file (as root)."""
    replace = os.replace

    def guarded(src: str, dst: str | Path, **kwargs: object) -> None:
        if Path(dst).resolve() == Path("/dev/null"):
            raise AssertionError("the export was about to replace /dev/null")
        replace(src, dst, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", guarded)


def test_dev_null_is_refused_in_words(seeded: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    refuse_replacing_dev_null(monkeypatch)
    before = _node(Path("/dev/null"))
    with pytest.raises(CuratorError) as refused:
        export(seeded, Path("/dev/null"))
    assert str(refused.value) == (
        "/dev/null is a device, not a file; choose a file name for the export"
    )
    assert _node(Path("/dev/null")) == before
    assert all(w.citation_key is None for w in works.works(seeded))


def test_stale_temp_files_are_removed_and_live_ones_kept(seeded: Catalog, tmp_path: Path) -> None:
    fcntl = pytest.importorskip("fcntl")
    out = tmp_path / "out.bib"
    dead = tmp_path / ".out.bib.k1ll3d_x.tmp"  # a killed export's: unlocked, half written
    dead.write_text("% Exported by curator")
    old_empty = tmp_path / ".out.bib.abcdefgh.tmp"  # killed before it wrote a byte, long ago
    old_empty.touch()
    os.utime(old_empty, (time.time() - 7200,) * 2)
    new_empty = tmp_path / ".out.bib.12345678.tmp"  # maybe just made, not yet locked: kept
    new_empty.touch()
    live = tmp_path / ".out.bib.l1ve_abc.tmp"  # another window's export, still writing
    live.write_text("% Exported by curator")
    not_ours = [".out.bib.tmp", ".out.bib.abc.tmp", ".other.bib.abcdefgh.tmp",
                "out.bib.abcdefgh.tmp", ".out.bib.ABCDEFGH.tmp", ".out.bib.abcdefgh.tmp.bak",
                ".out.bib.abcdefghi.tmp"]  # fmt: skip
    for name in not_ours:
        (tmp_path / name).write_text("someone else's")
    (tmp_path / ".out.bib.folder00.tmp").mkdir()
    with open(live) as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        export(seeded, out)
        assert live.exists()
    assert not dead.exists() and not old_empty.exists()
    assert sorted(
        p.name for p in tmp_path.iterdir() if p.name.endswith((".tmp", ".bak"))
    ) == sorted([new_empty.name, live.name, ".out.bib.folder00.tmp", *not_ours])
    assert out.read_text().startswith("% Exported by curator")


# An export in another process that stops half way, until it is killed.
_HALF_WAY = """
import sys
from pathlib import Path
from curator.export.bibtex import ExportOptions
from curator.services import exporting
from curator.store.catalog import open_catalog

exporting.CHUNK = 2
catalog = open_catalog(Path(sys.argv[1]))
plan = exporting.plan(catalog)
for progress in exporting.export_bibtex(catalog, plan, Path(sys.argv[2]), ExportOptions()):
    if progress.done:  # a chunk is written: the temporary file holds part of the export
        print("writing", flush=True)
        sys.stdin.read()  # until killed
"""


def test_a_killed_exports_temp_file_is_removed_by_the_next_export(
    seeded: Catalog, seed_paths: list[Path], tmp_path: Path
) -> None:
    other = open_catalog(tmp_path / "other.sqlite")  # its own catalog: no wait on a lock
    importing.run_to_end(importing.import_files(other, seed_paths))
    other.close()
    out = tmp_path / "out.bib"
    with open(tmp_path / "stderr", "w") as errors:
        writer = subprocess.Popen(
            [sys.executable, "-c", _HALF_WAY, str(other.path), str(out)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, text=True,
        )  # fmt: skip
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline() == "writing\n", (tmp_path / "stderr").read_text()
        (temp,) = tmp_path.glob(".out.bib.*.tmp")
        assert temp.stat().st_size > 0
        export(seeded, out)  # meanwhile, from another window
        assert temp.exists(), "a live export's temporary file was removed"
        first = out.read_text()
    finally:
        writer.kill()
        writer.wait()
    assert temp.exists() and out.read_text() == first
    export(seeded, out)
    assert list(tmp_path.glob(".*.tmp")) == []
    assert _entries(out.read_text()) == _entries(first)


def test_the_file_then_its_folder_are_synced_around_the_rename(
    seeded: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No observable alternative to a power cut here: os.fsync is watched, and each call notes
    what it synced and which file then had the name (the old one before the rename)."""
    out = tmp_path / "out.bib"
    out.write_text("old")
    old = out.stat().st_ino
    synced: list[tuple[bool, int, int]] = []
    fsync = os.fsync

    def watched(fd: int) -> None:
        info = os.fstat(fd)
        synced.append((stat.S_ISDIR(info.st_mode), info.st_ino, out.stat().st_ino))
        fsync(fd)

    monkeypatch.setattr(os, "fsync", watched)
    export(seeded, out)
    new = out.stat().st_ino
    assert new != old
    assert synced == [(False, new, old), (True, tmp_path.stat().st_ino, new)]


def test_an_existing_file_in_a_folder_that_takes_no_new_file_is_refused_saying_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The librarian picked a file they may write, in a folder they may not: curator replaces
    a file by a new one written beside it, so the folder is what refuses. The words said only
    'cannot write there', pointing at a file that is writable."""
    target = tmp_path / "refs.bib"
    target.write_text("% old\n", encoding="utf-8")

    def refused(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(exporting.tempfile, "mkstemp", refused)
    with pytest.raises(CuratorError) as refusal:
        exporting.check_target(target)
    message = str(refusal.value)
    assert message.startswith(f"{target}: cannot be replaced")
    assert f"its folder {tmp_path} takes no new file (permission denied)" in message
    assert "beside the old one" in message and "choose another folder" in message
    assert target.read_text(encoding="utf-8") == "% old\n"
    with pytest.raises(CuratorError, match=f"^{tmp_path}: cannot write there"):
        exporting.check_target(tmp_path / "new.bib")  # a new file: the folder, as before
