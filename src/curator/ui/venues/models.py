"""Table models of the Venues view (venues with a search proxy, suggestions, parent links),
what they render as HTML, and the read-only tables and empty states they are shown in."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableView,
    QWidget,
)

from curator.domain.catalog import VenueView
from curator.venues.suggest import ParentLink, Suggestion

Index = QModelIndex | QPersistentModelIndex
DISPLAY = Qt.ItemDataRole.DisplayRole
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the row object: VenueView, Suggestion or ParentLink
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # a key that sorts as a librarian expects
RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

BAND_COLOURS = {"sure": "#1b7f3b", "likely": "#b06a00", "possible": "#6b6b6b"}
GREY = "#6b6b6b"


def _records(n: int) -> str:
    return f"{n} record{'s' if n != 1 else ''}"


class _RowsModel(QAbstractTableModel):
    """A flat table of immutable row objects; subclasses say how a row shows."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == DISPLAY:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return None

    def data(self, index: Index, role: int = DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == ROW_ROLE:
            return row
        return self._data(row, index.column(), role)

    def _data(self, row: Any, col: int, role: int) -> Any:
        raise NotImplementedError

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, n: int) -> Any:
        return self._rows[n]

    def rows(self) -> list[Any]:
        return list(self._rows)


# --- venues ---------------------------------------------------------------------------------

COL_NAME, COL_SHORT, COL_KIND, COL_PARENT, COL_WORKS, COL_LABELS = range(6)


class VenueTableModel(_RowsModel):
    """One row per venue: its names, kind, parent, works and the labels filed under it."""

    HEADERS = ("Name", "Short name", "Kind", "Part of", "Works", "Labels")

    def _data(self, v: VenueView, col: int, role: int) -> Any:
        if role == DISPLAY:
            return self._display(v, col)
        if role == SORT_ROLE:
            return v.works if col == COL_WORKS else self._display(v, col).casefold()
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_LABELS:
                return "\n".join(
                    f"{a.label} — {_records(a.records)}" + (f" ({a.note})" if a.note else "")
                    for a in v.aliases
                )
            if col == COL_NAME:
                return v.name
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_WORKS:
            return RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_PARENT and not v.parent_name:
            return QColor(GREY)
        return None

    @staticmethod
    def _display(v: VenueView, col: int) -> str:
        if col == COL_NAME:
            return v.name
        if col == COL_SHORT:
            return v.short_name or ""
        if col == COL_KIND:
            return v.kind
        if col == COL_PARENT:
            return v.parent_name or ""
        if col == COL_WORKS:
            return str(v.works)
        return " · ".join(a.label for a in v.aliases)

    def row_of(self, venue_id: int) -> int | None:
        return next((i for i, v in enumerate(self._rows) if v.id == venue_id), None)


class VenueFilterProxy(QSortFilterProxyModel):
    """Sorts on SORT_ROLE; keeps the venues whose name, short name, kind or a label match."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._search = ""
        self.setSortRole(SORT_ROLE)

    def set_search(self, text: str) -> None:
        self.beginFilterChange()
        self._search = text.strip()
        self.endFilterChange()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._search:
            return True
        venue = self.sourceModel().index(source_row, 0, source_parent).data(ROW_ROLE)
        return venue is not None and venue.matches(self._search)


def venue_details_html(v: VenueView | None, selected: int) -> str:
    """The selected venue and each of its labels with its record count and note."""
    if v is None:
        what = f"{selected} venues selected" if selected > 1 else "No venue selected"
        return f"<p style='color:{GREY}'>{what}.</p>"
    facts = [v.kind]
    if v.short_name:
        facts.append(f"short name {escape(v.short_name)}")
    if v.parent_name:
        facts.append(f"part of {escape(v.parent_name)}")
    facts.append(f"{v.works} work{'s' if v.works != 1 else ''}")
    rows = "".join(
        f"<tr><td>{escape(a.label)}</td><td align='right'>{a.records}</td>"
        f"<td>{escape(a.note or '')}</td></tr>"
        for a in v.aliases
    )
    return (
        f"<p style='margin:0'><b>{escape(v.name)}</b> · {' · '.join(facts)}</p>"
        f"<p style='margin:6px 0 2px 0'>Labels seen on listings, filed under this venue:</p>"
        "<table cellspacing='0' cellpadding='3' border='1' style='border-color:#ccc'>"
        "<tr style='background:#f0f0f0'><th align='left'>Label</th><th>Records</th>"
        f"<th align='left'>Note</th></tr>{rows}</table>"
    )


# --- suggestions ----------------------------------------------------------------------------

COL_BAND, COL_SCORE, COL_SUGGESTED_LABELS, COL_CANONICAL = range(4)


class SuggestionModel(_RowsModel):
    """Venue suggestions in the order the service ranks them (most confident first)."""

    HEADERS = ("Band", "Score", "Labels", "Proposed name")

    def _data(self, x: Suggestion, col: int, role: int) -> Any:
        if role == DISPLAY:
            if col == COL_BAND:
                return x.band.value
            if col == COL_SCORE:
                return f"{x.score:.2f}"
            if col == COL_SUGGESTED_LABELS:
                return " | ".join(x.labels)
            return x.canonical
        colour = QColor(BAND_COLOURS.get(x.band, GREY))
        if role == Qt.ItemDataRole.DecorationRole and col == COL_BAND:
            return colour
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_BAND:
            return colour
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(x.reasons)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_SCORE:
            return RIGHT
        return None

    def row_with_labels(self, labels: tuple[str, ...]) -> int | None:
        return next((i for i, x in enumerate(self._rows) if x.labels == labels), None)


def _section(title: str, items: list[str]) -> str:
    if not items:
        return ""
    rows = "".join(f"<li>{escape(item)}</li>" for item in items)
    return f"<p style='margin:6px 0 0 0'><b>{title}</b></p><ul style='margin:2px'>{rows}</ul>"


def suggestion_html(x: Suggestion | None) -> str:
    """A suggestion's band, score and proposal, then why it was made and what it merges."""
    if x is None:
        return f"<p style='color:{GREY}'>Select a suggestion to see why it was made.</p>"
    colour = BAND_COLOURS.get(x.band, GREY)
    extra = [f"kind {x.kind}"] + ([f"short name {x.short_name}"] if x.short_name else [])
    notes = [f"{label}: its works keep the note “{note}”" for label, note in x.notes]
    return (
        f"<p style='margin:0'><b style='color:{colour}'>{escape(x.band.value)}</b> · score "
        f"{x.score:.2f} · proposed: <b>{escape(x.canonical)}</b> ({escape(', '.join(extra))})</p>"
        + _section("Why", list(x.reasons))
        + _section("Labels", list(x.labels))
        + _section("Kept as notes", notes)
    )


# --- workshop -> conference links -------------------------------------------------------------

COL_WORKSHOP, COL_CONFERENCE, COL_REASON = range(3)


class ParentLinkModel(_RowsModel):
    """Workshops without a parent whose label names a conference of the catalog."""

    HEADERS = ("Workshop", "Part of", "Why")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._names: dict[int, str] = {}

    def set_links(self, links: list[ParentLink], names: dict[int, str]) -> None:
        self._names = dict(names)
        self.set_rows(links)

    def _data(self, x: ParentLink, col: int, role: int) -> Any:
        if role in (DISPLAY, Qt.ItemDataRole.ToolTipRole):
            if col == COL_WORKSHOP:
                return self._names.get(x.workshop_id, f"venue {x.workshop_id}")
            if col == COL_CONFERENCE:
                return self._names.get(x.parent_id, f"venue {x.parent_id}")
            return x.reason
        return None


# --- the widgets they show in ------------------------------------------------------------------


def table_view(
    model: QAbstractItemModel, stretch: tuple[int, ...], widths: dict[int, int]
) -> QTableView:
    """A read-only table of whole rows, as every table of the Venues view is."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    for col in stretch:
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
    for col, width in widths.items():
        view.setColumnWidth(col, width)
    return view


def with_empty_state(view: QWidget, text: str) -> tuple[QStackedWidget, QLabel]:
    """The view, or a sentence in its place when it has nothing to show."""
    empty = QLabel(text)
    empty.setWordWrap(True)
    empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
    empty.setStyleSheet("color:#666; padding:12px")
    stack = QStackedWidget()
    stack.addWidget(view)
    stack.addWidget(empty)
    return stack, empty
