"""The review view's small windows: a source record as imported, a merged value typed by hand.

Both open window-modal without blocking (`open`), so the keys typed in them stay text and the
tests drive them like a librarian does."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QInputDialog, QMessageBox, QPlainTextEdit, QWidget

from curator.domain.catalog import RecordView


def record_box(parent: QWidget, record: RecordView) -> QMessageBox:
    """The record as it was imported, with where it came from."""
    box = QMessageBox(parent)
    box.setWindowTitle(f"{record.source_file} · lines {record.first_line}–{record.last_line}")
    box.setText(f"Record {record.ordinal} of {record.source_file}, as imported:")
    text = QPlainTextEdit(record.raw)
    text.setReadOnly(True)
    text.setMinimumSize(640, 260)
    grid = box.layout()
    if isinstance(grid, QGridLayout):  # QMessageBox lays itself out on a grid
        grid.addWidget(text, 1, 0, 1, grid.columnCount())
    box.open()
    return box


def merged_value_dialog(parent: QWidget, label: str, start: str) -> QInputDialog:
    """Asks for a field's merged value (several lines: an abstract, other fields); connect
    `textValueSelected` to take it."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(f"Merged {label}")
    dialog.setLabelText(f"{label} of the merged work:")
    dialog.setOption(QInputDialog.InputDialogOption.UsePlainTextEditForTextInput)
    dialog.setTextValue(start)
    dialog.setMinimumWidth(560)  # an abstract or a title is read whole, not a word a line
    dialog.finished.connect(lambda _: dialog.deleteLater())
    dialog.open()
    return dialog
