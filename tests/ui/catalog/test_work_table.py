"""The catalog table model: a well-behaved Qt model that pages rows from the catalog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from curator.domain.catalog import WorkRow
from curator.services import works
from curator.services.works import Query
from curator.store.catalog import Catalog
from curator.ui.catalog import work_table
from curator.ui.catalog.work_table import (
    COL_AUTHORS,
    COL_TITLE,
    COL_YEAR,
    ROW_ROLE,
    WorkTableModel,
)


def loaded(catalog: Catalog) -> WorkTableModel:
    model = WorkTableModel(catalog)
    model.reload()
    return model


def test_model_passes_qtmodeltester(qtmodeltester, seeded: Catalog) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(loaded(seeded))


def test_rows_show_what_a_librarian_reads(seeded: Catalog) -> None:
    model = loaded(seeded)
    assert model.rowCount() == works.stats(seeded)["works"]
    untitled = [
        model.index(r, COL_TITLE).data()
        for r in range(model.rowCount())
        if model.index(r, COL_TITLE).data(ROW_ROLE).title is None
    ]
    assert untitled, "the seeds have arXiv records without a title"
    # instead of a bare "untitled", the librarian sees how the abstract begins
    assert "[no title] We propose KMMLU, a new Korean benchmark" in "\n".join(untitled)
    row = model.index(0, COL_TITLE).data(ROW_ROLE)
    assert isinstance(row, WorkRow)


def test_rows_are_read_a_page_at_a_time_and_only_a_few_pages_kept(
    seeded: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(work_table, "PAGE", 7)
    monkeypatch.setattr(work_table, "KEPT_PAGES", 3)
    read: list[int] = []
    rows_of = works.rows_of
    monkeypatch.setattr(
        works, "rows_of", lambda cat, ids: read.append(len(ids)) or rows_of(cat, ids)
    )
    model = loaded(seeded)
    assert read == []  # the ids only: no row read before it is shown
    shown = [model.index(r, COL_TITLE).data(ROW_ROLE).id for r in range(model.rowCount())]
    assert shown == [r.id for r in works.rows(seeded)]  # every row, in id order
    assert max(read) == 7 and len(read) == -(-model.rowCount() // 7)
    assert len(model._pages) == 3


def test_sorting_by_year_puts_unknown_years_last_both_ways(seeded: Catalog) -> None:
    model = loaded(seeded)
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        model.sort(COL_YEAR, order)
        years = [model.index(r, COL_YEAR).data() for r in range(model.rowCount())]
        known = [int(y) for y in years if y]
        assert known == sorted(known, reverse=order == Qt.SortOrder.DescendingOrder)
        assert all(not y for y in years[len(known) :])
        model.reload()  # a reload keeps the chosen order
        assert [model.index(r, COL_YEAR).data() for r in range(model.rowCount())] == years


def test_a_search_keeps_the_order_and_an_edited_row_shows_at_once(seeded: Catalog) -> None:
    model = loaded(seeded)
    model.sort(COL_TITLE, Qt.SortOrder.DescendingOrder)
    model.reload("language")
    titles = [model.index(r, COL_TITLE).data(ROW_ROLE).title for r in range(model.rowCount())]
    assert 0 < len(titles) < works.stats(seeded)["works"]
    known = [t for t in titles if t]
    assert known == sorted(known, key=str.casefold, reverse=True)
    assert model.query == Query("language", model.query.order, True)
    first = model.index(0, COL_TITLE).data(ROW_ROLE)
    works.edit_work(seeded, first.id, {"title": "Zzz renamed"})
    model.replace_row(works.row(seeded, first.id))
    assert model.index(0, COL_TITLE).data() == "Zzz renamed"
    assert model.row_of(first.id) == 0 and model.row_of(10**9) is None


def test_authors_column_is_short_and_honest() -> None:
    show = WorkTableModel._display
    one = WorkRow(1, "T", ("Stella Biderman",), True, None, None, None, 1)
    assert show(one, COL_AUTHORS) == "Stella Biderman et al."
    two = WorkRow(2, "T", ("A B", "C D"), False, None, None, None, 1)
    assert show(two, COL_AUTHORS) == "A B and C D"
