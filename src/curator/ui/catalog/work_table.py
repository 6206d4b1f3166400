"""The catalog table: one row per work, paged from the catalog as the view scrolls.

The model holds only the ids the current query finds, in its order (8 bytes a work); the
rows themselves are read a page at a time when the view asks for them, and a few pages are
kept. A million works open, scroll and sort without loading a million rows."""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from curator.domain.catalog import WorkOrder, WorkRow, format_authors_short
from curator.domain.errors import DamagedCatalogError
from curator.services import works
from curator.services.catalogs import Catalog
from curator.services.works import Query

COL_TITLE, COL_AUTHORS, COL_VENUE, COL_YEAR, COL_ARXIV, COL_RECORDS = range(6)
HEADERS = ("Title", "Authors", "Venue", "Year", "arXiv", "Sources")
ORDERS = (
    WorkOrder.TITLE,
    WorkOrder.AUTHORS,
    WorkOrder.VENUE,
    WorkOrder.YEAR,
    WorkOrder.ARXIV,
    WorkOrder.SOURCES,
)
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
PAGE = 200  # rows read at once: a screenful or two
KEPT_PAGES = 50
UNREADABLE = "(cannot be read: the catalog is damaged here)"

Index = QModelIndex | QPersistentModelIndex


def _title(row: WorkRow) -> str:
    if row.title:
        return row.title
    if row.abstract_start:
        return f"[no title] {' '.join(row.abstract_start.split())}…"
    return "[no title]"


class WorkTableModel(QAbstractTableModel):
    """Rows of the works `query` finds. `reload()` reads the ids at once; a window that
    searches in the background sets `load_in_background` and hands the ids to `show()`."""

    def __init__(self, catalog: Catalog, parent: Any = None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._ids: array[int] = array("q")
        self._pages: OrderedDict[int, list[WorkRow]] = OrderedDict()
        self.query = Query()  # what the rows show
        self.requested = Query()  # what was asked last (a search or sort may still run)
        self.load_in_background: Callable[[Query], None] | None = None

    # --- Qt model interface -------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        col = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col in (COL_YEAR, COL_RECORDS):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role not in _ROLES:
            return None
        row = self.work_row(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == Qt.ItemDataRole.ToolTipRole and col in (COL_TITLE, COL_AUTHORS):
            return _title(row) if col == COL_TITLE else "; ".join(row.authors)
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_TITLE and not row.title:
            return QBrush(QColor("#6b6b6b"))  # a stand-in, not a title: say so quietly
        if role == ROW_ROLE:
            return row
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(ORDERS):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        query = self.requested = Query(self.requested.search, ORDERS[column], descending)
        if self.load_in_background is not None:
            self.load_in_background(query)
        else:
            self.show(works.ordered_ids(self._catalog, query), query)

    # --- ours ---------------------------------------------------------------
    @staticmethod
    def _display(row: WorkRow, col: int) -> Any:
        if col == COL_TITLE:
            return _title(row)
        if col == COL_AUTHORS:
            return format_authors_short(row.authors, row.authors_incomplete)
        if col == COL_VENUE:
            return row.venue or ""
        if col == COL_YEAR:
            return str(row.year) if row.year else ""
        if col == COL_ARXIV:
            return row.arxiv_id or ""
        if col == COL_RECORDS:
            return str(row.n_records)
        return None

    def reload(self, search: str | None = None) -> None:
        """Read the ids again (after a change), for `search` if given, in the order asked."""
        query = self.requested
        if search is not None:
            query = self.requested = replace(query, search=search)
        self.show(works.ordered_ids(self._catalog, query), query)

    def show(self, ids: Sequence[int], query: Query) -> None:
        """Show these ids (what `query` found); rows are read when they come into view."""
        self.beginResetModel()
        self._ids = ids if isinstance(ids, array) else array("q", ids)
        self._pages.clear()
        self.query = query
        self.endResetModel()

    def work_row(self, row: int) -> WorkRow:
        page = row // PAGE
        rows = self._pages.get(page)
        if rows is None:
            rows = self._read_page(page)
        else:
            self._pages.move_to_end(page)
        return rows[row - page * PAGE]

    def _read_page(self, page: int) -> list[WorkRow]:
        ids = self._ids[page * PAGE : (page + 1) * PAGE]
        try:
            found = {r.id: r for r in works.rows_of(self._catalog, ids)}
        except DamagedCatalogError:
            found = self._readable_rows(ids)
        # a work gone since the ids were read (merged by another window) shows as a blank row
        rows = [found.get(i) or WorkRow(i, None, (), False, None, None, None, 0) for i in ids]
        self._pages[page] = rows
        if len(self._pages) > KEPT_PAGES:
            self._pages.popitem(last=False)
        return rows

    def _readable_rows(self, ids: Sequence[int]) -> dict[int, WorkRow]:
        """A damaged catalog: the rows that can be read, one by one; the others say so."""
        found: dict[int, WorkRow] = {}
        for i in ids:
            try:
                found.update((r.id, r) for r in works.rows_of(self._catalog, [i]))
            except DamagedCatalogError:
                found[i] = WorkRow(i, UNREADABLE, (), False, None, None, None, 0)
        return found

    def work_id(self, row: int) -> int:
        """The id of the work on a row, without reading the row."""
        return self._ids[row]

    def replace_row(self, new: WorkRow) -> None:
        row = self.row_of(new.id)
        if row is not None:
            self.replace_row_at(row, new)

    def refresh_works(self, changed: Collection[int]) -> set[int]:
        """Read again the rows of works changed elsewhere: a row shown changes in place
        (dataChanged), the row of a work gone (merged away) leaves; the rest of the table is
        not read. Returns the changed works that exist but are not shown (new ones, or ones
        the search does not find)."""
        wanted = set(changed)
        found = {r.id: r for r in works.rows_of(self._catalog, sorted(wanted))}
        shown = [(row, i) for row, i in enumerate(self._ids) if i in wanted]
        gone = [row for row, i in shown if i not in found]
        for row in reversed(gone):  # from the bottom: the rows above keep their numbers
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._ids[row]
            self.endRemoveRows()
        if gone:
            self._pages.clear()  # the rows below moved up: their pages are read again
        for row, work_id in enumerate(self._ids) if gone else shown:
            new = found.get(work_id) if work_id in wanted else None
            if new is not None:
                self.replace_row_at(row, new)
        return set(found) - {i for _, i in shown}

    def replace_row_at(self, row: int, new: WorkRow) -> None:
        page = self._pages.get(row // PAGE)
        if page is not None:
            page[row % PAGE] = new
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def row_of(self, work_id: int) -> int | None:
        try:
            return self._ids.index(work_id)
        except ValueError:
            return None


_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.ForegroundRole,
        ROW_ROLE,
    }
)
