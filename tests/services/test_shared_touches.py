"""Undo in a catalog two windows share, where one window's later step relies on another's
earlier one in a way that is not the same work: an import's records on a venue or label
another window split off or typed, an imported citation key another window freed, a key an
`ids` field answers to, a decision about works a merge changed. Each earlier step is refused
(nothing changes) until the later one is undone, and the catalog stays sound."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from curator.domain.errors import CuratorError
from curator.events.registry import load
from curator.services import decisions, history, importing, venues, works
from curator.store import eventlog, snapshots
from curator.store.catalog import Catalog, open_catalog
from tests.catalog_state import dangling_references, tables_state


@pytest.fixture
def windows(seeded: Catalog) -> Iterator[tuple[Catalog, Catalog]]:
    a, b = seeded, open_catalog(seeded.address)
    history.open_window_session(a)
    history.open_window_session(b)
    yield a, b
    b.close()


def _import(catalog: Catalog, folder: Path, key: str, title: str, venue: str) -> int:
    """Import one entry; the id of its work."""
    path = folder / f"{key}.bib"
    path.write_text(
        f"@inproceedings{{{key},\n  author = {{Zed, Ann}},\n  title = {{{title}}},\n"
        f"  booktitle = {{{venue}}},\n  year = {{2024}}\n}}\n",
        encoding="utf-8",
    )
    run = importing.run_to_end(importing.import_files(catalog, [path]))
    assert run.ok, run.failures
    return next(r.id for r in works.rows(catalog) if r.title == title)


def _venue(catalog: Catalog, name: str) -> int:
    return next(v.id for v in venues.list_venues(catalog) if v.name == name)


def _refused(catalog: Catalog, step: str = "undo") -> str:
    """A refused undo (or redo) changes nothing; its message."""
    before = tables_state(catalog)
    with pytest.raises(CuratorError) as refused:
        (history.undo if step == "undo" else history.redo)(catalog)
    assert tables_state(catalog) == before
    return str(refused.value)


def _sound(catalog: Catalog) -> None:
    assert dangling_references(catalog) == []


def _split_findings(catalog: Catalog) -> None:
    venues.merge(
        catalog,
        [_venue(catalog, "EMNLP"), _venue(catalog, "EMNLP (Findings)")],
        into=_venue(catalog, "EMNLP"),
    )
    venues.split(catalog, "EMNLP (Findings)", "EMNLP Findings")


def test_a_split_is_not_undone_under_an_import_onto_its_venue(
    windows: tuple[Catalog, Catalog], tmp_path: Path
) -> None:
    a, b = windows
    _split_findings(a)
    work = _import(b, tmp_path, "quokka2024", "Quokkas", "EMNLP (Findings)")
    assert "Import quokka2024.bib" in _refused(a)
    assert works.work(a, work).venue == "EMNLP Findings"
    history.undo(b)
    history.undo(a)
    assert "Split" in _refused(b, "redo")  # its records' label is back on EMNLP
    _sound(a)


def test_a_rename_undone_keeps_a_label_records_imported_since_carry(
    windows: tuple[Catalog, Catalog], tmp_path: Path
) -> None:
    a, b = windows
    venues.rename(a, _venue(a, "ICLR"), "Intl Conf Learning Repr")
    _import(b, tmp_path, "roo2025", "Marsupials", "Intl Conf Learning Repr")
    assert "Import roo2025.bib" in _refused(a)
    history.undo(a, anyone=True)  # the import, then the rename: the plain stack
    history.redo(b)
    history.undo(b)
    history.undo(a)
    assert _venue(a, "ICLR")


def test_the_revert_of_a_rename_drops_only_labels_no_record_carries(
    windows: tuple[Catalog, Catalog], tmp_path: Path
) -> None:
    """Taken with --any past the refusal's reason, the label the import relies on stays."""
    a, b = windows
    iclr = _venue(a, "ICLR")
    venues.rename(a, iclr, "Intl Conf Learning Repr")
    work = _import(b, tmp_path, "roo2025", "Marsupials", "Intl Conf Learning Repr")
    rename = max(e.id for e in history.history(a) if e.summary.startswith("Rename"))
    with a.write() as s:  # the rename's revert alone, the import kept
        row = eventlog.row(s, rename)
        assert row is not None
        load(row.kind, row.payload).revert(s)
    with a.read() as s:
        labels = set(s.execute(text("SELECT label FROM venuealias")).scalars())
    assert "Intl Conf Learning Repr" in labels and works.work(a, work).venue == "ICLR"


def test_a_key_freed_then_imported_by_another_is_not_taken_back(
    windows: tuple[Catalog, Catalog], tmp_path: Path
) -> None:
    a, b = windows
    (w,) = [r.id for r in works.rows(a)[:1]]
    works.edit_work(a, w, {"citation_key": "zed2024"})
    works.edit_work(a, w, {"citation_key": "w1key"})
    new = _import(b, tmp_path, "zed2024", "Quokkas", "EMNLP")
    assert works.work(a, new).citation_key == "zed2024"
    assert "the citation key zed2024" in _refused(a)


def test_a_key_an_ids_field_answered_to_is_not_restored_over_another_s_key(
    windows: tuple[Catalog, Catalog],
) -> None:
    a, b = windows
    w1, w2 = [r.id for r in works.rows(a)[:2]]
    works.edit_work(a, w1, {"extra": {"ids": "foo2020"}})
    works.edit_work(a, w1, {"extra": {}})
    works.edit_work(b, w2, {"citation_key": "foo2020"})
    assert "the citation key foo2020" in _refused(a)


def test_a_merge_is_not_undone_under_a_later_decision_about_its_work(
    windows: tuple[Catalog, Catalog],
) -> None:
    a, b = windows
    x, z, y = [r.id for r in works.rows(a)[:3]]
    decisions.merge(b, [x, z], keep=x, force=True)
    decisions.distinct(a, x, y)
    with a.read() as s:
        pairs = decisions.decided_pairs(s, [x, y, z])
    assert f"the records of work {x}" in _refused(b)
    with a.read() as s:
        assert decisions.decided_pairs(s, [x, y, z]) == pairs
    history.undo(a)
    history.undo(b)
    with a.read() as s:
        assert snapshots.exists(s, z)
