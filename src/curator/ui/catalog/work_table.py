"""The catalog table: one row per work, loaded as lean rows from SQLite, sorted in Python."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from curator.domain.catalog import WorkRow, format_authors_short

COL_TITLE, COL_AUTHORS, COL_VENUE, COL_YEAR, COL_ARXIV, COL_RECORDS = range(6)
HEADERS = ("Title", "Authors", "Venue", "Year", "arXiv", "Sources")
ROW_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


def _title(row: WorkRow) -> str:
    if row.title:
        return row.title
    if row.abstract_start:
        return f"[no title] {' '.join(row.abstract_start.split())}…"
    return "[no title]"


_SORT_KEYS = {
    COL_TITLE: lambda r: (r.title is None, (r.title or "").casefold()),
    COL_AUTHORS: lambda r: (not r.authors, r.authors[0].casefold() if r.authors else ""),
    COL_VENUE: lambda r: (r.venue is None, (r.venue or "").casefold()),
    COL_YEAR: lambda r: (r.year is None, r.year or 0),
    COL_ARXIV: lambda r: (r.arxiv_id is None, r.arxiv_id or ""),
    COL_RECORDS: lambda r: r.n_records,
}


class WorkTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[WorkRow] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None

    # --- Qt model interface -------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == Qt.ItemDataRole.ToolTipRole and col in (COL_TITLE, COL_AUTHORS):
            return _title(row) if col == COL_TITLE else "; ".join(row.authors)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_YEAR, COL_RECORDS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_TITLE and not row.title:
            return QBrush(QColor("#6b6b6b"))  # a stand-in, not a title: say so quietly
        if role == ROW_ROLE:
            return row
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = _SORT_KEYS.get(column)
        if key is None:
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        self._rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()

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

    def set_rows(self, rows: list[WorkRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        if self._sort is not None:
            column, order = self._sort
            self._rows.sort(key=_SORT_KEYS[column], reverse=order == Qt.SortOrder.DescendingOrder)
        self.endResetModel()

    def replace_row(self, new: WorkRow) -> None:
        for i, row in enumerate(self._rows):
            if row.id == new.id:
                self._rows[i] = new
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(HEADERS) - 1))
                return

    def row_of(self, work_id: int) -> int | None:
        for i, row in enumerate(self._rows):
            if row.id == work_id:
                return i
        return None

    def work_row(self, row: int) -> WorkRow:
        return self._rows[row]
