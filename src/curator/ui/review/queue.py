"""The review queue: open candidate pairs, best first, each work named by its id and title."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from curator.domain.catalog import WorkRow
from curator.domain.matching import Band, Candidate

BAND_COLOURS = {
    Band.SURE: "#1b7f3b",
    Band.LIKELY: "#b06a00",
    Band.RELATED: "#6a3d9a",
    Band.POSSIBLE: "#6b6b6b",
}


def _title_of(row: WorkRow | None) -> str:
    if row is None:
        return "(merged or removed)"
    if row.title:
        return row.title
    return f"[no title] {(row.abstract_start or '').strip()}"


def work_text(work_id: int, row: WorkRow | None) -> str:
    """A queue cell: the work's id first, so two copies of one title never read the same."""
    return f"#{work_id} {_title_of(row)}"


def work_tip(work_id: int, row: WorkRow | None) -> str:
    """The whole title the cell may cut, and what tells copies apart at a glance."""
    lines = [work_text(work_id, row)]
    if row is not None:
        authors = "; ".join(row.authors) + ("; et al." if row.authors_incomplete else "")
        where = " · ".join(
            str(x) for x in (row.venue, row.year, row.arxiv_id and f"arXiv:{row.arxiv_id}") if x
        )
        lines += [text for text in (authors, where) if text]
    return "\n".join(lines)


class CandidateModel(QAbstractTableModel):
    """Open candidates, best first: band, score and the two works' ids and titles."""

    HEADERS = ("Band", "Score", "Work", "Possible duplicate")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._all: list[Candidate] = []
        self._shown: list[Candidate] = []
        self._rows: dict[int, WorkRow] = {}
        self._band: Band | None = None

    # --- contents ---------------------------------------------------------------------
    def set_candidates(self, found: list[Candidate], rows: dict[int, WorkRow]) -> None:
        self.beginResetModel()
        self._all = sorted(found, key=lambda c: (-c.score, c.a, c.b))
        self._rows = rows
        self._filter()
        self.endResetModel()

    def add(
        self, found: list[Candidate], rows: dict[int, WorkRow], scanned: Collection[int] = ()
    ) -> None:
        """The pairs a scan of the works `scanned` found: theirs listed before give way."""
        again = set(scanned)
        kept = [c for c in self._all if c.a not in again and c.b not in again]
        known = {(c.a, c.b) for c in kept}
        self._rows.update(rows)
        self.set_candidates(kept + [c for c in found if (c.a, c.b) not in known], self._rows)

    def fold(self, merged: Collection[int], survivor: int) -> None:
        """Works merged into `survivor`: their pairs among them leave, and each other work
        paired with some of them keeps one pair (its best), now with the survivor: the pair a
        scan of the merged work finds again and weighs anew. The queue's length is right at
        once, not only when that scan ends."""
        inside = set(merged)
        best: dict[int, Candidate] = {}
        rest = []
        for c in self._all:
            if (c.a in inside) == (c.b in inside):
                if c.a not in inside:
                    rest.append(c)
                continue
            other = c.b if c.a in inside else c.a
            if other not in best or c.score > best[other].score:
                best[other] = c
        moved = [replace(c, a=min(o, survivor), b=max(o, survivor)) for o, c in best.items()]
        self.set_candidates(rest + moved, self._rows)

    def update_rows(self, rows: dict[int, WorkRow]) -> None:
        """The works' rows read again (titles edited elsewhere)."""
        self._rows.update(rows)
        if self._shown:
            self.dataChanged.emit(self.index(0, 2), self.index(len(self._shown) - 1, 3))

    def remove(self, drop: Callable[[Candidate], bool]) -> None:
        self.beginResetModel()
        self._all = [c for c in self._all if not drop(c)]
        self._filter()
        self.endResetModel()

    def set_band(self, band: Band | None) -> None:
        self.beginResetModel()
        self._band = band
        self._filter()
        self.endResetModel()

    def _filter(self) -> None:
        band = self._band
        self._shown = self._all if band is None else [c for c in self._all if c.band is band]

    def candidate(self, row: int) -> Candidate:
        return self._shown[row]

    def row_of(self, pair: tuple[int, int]) -> int | None:
        for i, c in enumerate(self._shown):
            if (c.a, c.b) == pair:
                return i
        return None

    def open_candidates(self) -> list[Candidate]:
        return list(self._all)

    def work_row(self, work_id: int) -> WorkRow | None:
        return self._rows.get(work_id)

    # --- Qt model ---------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        c = self._shown[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return c.band.value
            if col == 1:
                return f"{c.score:.3f}"
            wid = c.a if col == 2 else c.b
            return work_text(wid, self._rows.get(wid))
        if role == Qt.ItemDataRole.ForegroundRole and col == 0:
            return QColor(BAND_COLOURS[c.band])
        if role == Qt.ItemDataRole.ToolTipRole:
            if col >= 2:
                wid = c.a if col == 2 else c.b
                return work_tip(wid, self._rows.get(wid))
            return "\n".join(c.reasons)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
