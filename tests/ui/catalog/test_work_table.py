"""The catalog table model: a well-behaved Qt model over lean rows."""

from __future__ import annotations

from PySide6.QtCore import Qt

from curator.domain.catalog import WorkRow
from curator.services import works
from curator.store.catalog import Catalog
from curator.ui.catalog.work_table import COL_AUTHORS, COL_TITLE, COL_YEAR, ROW_ROLE, WorkTableModel


def test_model_passes_qtmodeltester(qtmodeltester, seeded: Catalog) -> None:  # type: ignore[no-untyped-def]
    model = WorkTableModel()
    model.set_rows(works.rows(seeded))
    qtmodeltester.check(model)


def test_rows_show_what_a_librarian_reads(seeded: Catalog) -> None:
    model = WorkTableModel()
    model.set_rows(works.rows(seeded))
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


def test_sorting_by_year_puts_unknown_years_last(seeded: Catalog) -> None:
    model = WorkTableModel()
    model.set_rows(works.rows(seeded))
    model.sort(COL_YEAR, Qt.SortOrder.AscendingOrder)
    years = [model.index(r, COL_YEAR).data() for r in range(model.rowCount())]
    known = [int(y) for y in years if y]
    assert known == sorted(known)
    assert all(not y for y in years[len(known) :])
    model.set_rows(works.rows(seeded))  # a reload keeps the chosen order
    assert [model.index(r, COL_YEAR).data() for r in range(model.rowCount())] == years


def test_authors_column_is_short_and_honest() -> None:
    model = WorkTableModel()
    model.set_rows(
        [
            WorkRow(1, "T", ("Stella Biderman",), True, None, None, None, 1),
            WorkRow(2, "T", ("A B", "C D"), False, None, None, None, 1),
        ]
    )
    assert model.index(0, COL_AUTHORS).data() == "Stella Biderman et al."
    assert model.index(1, COL_AUTHORS).data() == "A B and C D"
