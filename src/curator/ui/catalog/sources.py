"""The source records behind a work: which file, which lines, and the raw text as read."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from curator.domain.catalog import RecordView


def describe(record: RecordView) -> str:
    lines = (
        f"line {record.first_line}"
        if record.first_line == record.last_line
        else f"lines {record.first_line}–{record.last_line}"
    )
    return f"{record.source_file} · record {record.ordinal} · {lines}"


class SourcesPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.raw = QPlainTextEdit()
        self.raw.setReadOnly(True)
        self.raw.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.raw.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.list.setMaximumHeight(self.list.fontMetrics().lineSpacing() * 6 + 8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Source records behind this work:"))
        layout.addWidget(self.list)
        layout.addWidget(self.details)
        layout.addWidget(QLabel("Raw text as imported:"))
        layout.addWidget(self.raw, 1)
        self.list.currentItemChanged.connect(self._show_current)
        self._records: list[RecordView] = []

    def show_records(self, records: list[RecordView]) -> None:
        self._records = records
        self.list.clear()
        for record in records:
            item = QListWidgetItem(describe(record))
            item.setData(Qt.ItemDataRole.UserRole, record.id)
            self.list.addItem(item)
        if records:
            self.list.setCurrentRow(0)
        else:
            self.details.clear()
            self.raw.clear()

    def _show_current(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        record = self._records[self.list.row(item)]
        facts = [f"<b>{escape(describe(record))}</b>"]
        if record.venue:
            facts.append(f"Venue as written: {escape(record.venue)}")
        if record.date:
            facts.append(f"Date: {escape(record.date)}")
        if record.arxiv_id:
            facts.append(f"arXiv: {escape(record.arxiv_id)}")
        if record.comments:
            facts.append("Comments: " + escape(" | ".join(record.comments)))
        self.details.setText("<br>".join(facts))
        self.raw.setPlainText(record.raw)
