"""How the last scan weighs each comparison: the learned weights, beside the hand-set ones."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from curator.services.candidates import WeightRow

COLUMNS = ("Comparison", "Level", "Weight", "Hand-set", "From")


class WeightsDialog(QDialog):
    """A read-only table: each comparison level, what it adds to a pair, and where it came from."""

    def __init__(self, rows: list[WeightRow], summary: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("How pairs are weighed")
        self.resize(640, 560)
        about = QLabel(
            f"{summary}. Each comparison puts a pair at one level; the weights of its levels "
            "add up (log-odds) to the pair's score. Positive weights speak for one "
            "publication, negative ones against."
        )
        about.setWordWrap(True)
        self.table = QTableWidget(len(rows), len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, row in enumerate(rows):
            cells = (row.comparison, row.level, f"{row.weight:+.1f}", f"{row.hand_set:+.1f}")
            for c, text in enumerate((*cells, row.origin)):
                item = QTableWidgetItem(text)
                if c in (2, 3):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
