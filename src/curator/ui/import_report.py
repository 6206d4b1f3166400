"""The import report: every block of every file, and what became of it."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from curator.domain.records import BlockStatus
from curator.services.importing import ImportRun

_COLOURS = {
    BlockStatus.IMPORTED: "#1b7f3b",
    BlockStatus.UNCHANGED: "#555555",
    BlockStatus.SKIPPED: "#8a6d00",
    BlockStatus.REJECTED: "#b00020",
}


class ImportReportDialog(QDialog):
    def __init__(self, run: ImportRun, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import report")
        self.resize(900, 560)
        self.run = run
        lines = [r.summary() for r in run.reports] + [f"Not imported: {f}" for f in run.failures]
        self.summary = QLabel(
            "<br>".join(escape(line) for line in lines) or "Nothing was imported."
        )
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.only_problems = QCheckBox("Show only skipped and rejected blocks")
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["File", "Lines", "Status", "Title or reason"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 220)
        self.table.setColumnWidth(1, 90)
        self.table.setColumnWidth(2, 90)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.only_problems)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.only_problems.toggled.connect(self._fill)
        self._fill()

    def _fill(self) -> None:
        problems_only = self.only_problems.isChecked()
        rows = [
            (report.source_file, o)
            for report in self.run.reports
            for o in report.outcomes
            if not problems_only or o.status in (BlockStatus.SKIPPED, BlockStatus.REJECTED)
        ]
        self.table.setRowCount(len(rows))
        for i, (name, o) in enumerate(rows):
            lines = (
                str(o.first_line)
                if o.first_line == o.last_line
                else f"{o.first_line}–{o.last_line}"
            )
            text = o.reason if o.status != BlockStatus.IMPORTED else (o.title or "[no title]")
            if o.status == BlockStatus.UNCHANGED and o.title:
                text = f"{o.title} — {o.reason}"
            for col, value in enumerate((name, lines, o.status.value, text)):
                item = QTableWidgetItem(value)
                if col == 2:
                    item.setForeground(QBrush(QColor(_COLOURS[o.status])))
                self.table.setItem(i, col, item)
