"""The editor panel for one work: every curated field, saved through the services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from curator.domain import bibfields
from curator.domain.catalog import ENTRY_TYPES, WorkView
from curator.domain.errors import CuratorError
from curator.domain.fields import FIELDS
from curator.domain.report import counted

SaveFn = Callable[[int, dict[str, Any]], WorkView]
AUTO_TYPE = "automatic"
_EMPTY: dict[str, Any] = {"names": [], "flag": False, "choice": None}  # no work shown


def _text_input(widget: QLineEdit | QPlainTextEdit) -> _Input:
    if isinstance(widget, QLineEdit):
        return _Input(widget.text, widget.setText)
    return _Input(widget.toPlainText, widget.setPlainText)


def form_value(work: WorkView, field: str) -> Any:
    """A field of `work` as the form shows it (what `WorkEditor.values` gives back unchanged)."""
    kind = FIELDS[field].kind
    value = getattr(work, field)
    if kind == "names":
        return list(value)
    if kind == "flag":
        return bool(value)
    if kind == "choice":
        return value if work.entry_type_overridden else None
    if kind == "fields":
        return bibfields.as_text(value)
    return "" if value is None else str(value)


@dataclass(frozen=True, slots=True)
class _Input:
    """How one field's widget is read and filled."""

    get: Callable[[], Any]
    put: Callable[[Any], None]


def _plain(lines: int) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    height = edit.fontMetrics().lineSpacing() * lines + 12
    edit.setMinimumHeight(height)
    if lines <= 4:
        edit.setMaximumHeight(height)
    return edit


class WorkEditor(QWidget):
    """Shows one work; Save sends only the fields that changed."""

    saved = Signal(object)  # WorkView

    def __init__(self, save: SaveFn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._save = save
        self._work: WorkView | None = None
        self.read_only = False  # a damaged catalog: works are shown, never saved
        self._build()
        self.show_work(None)

    def _build(self) -> None:
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setObjectName("editorHeading")
        self.title = _plain(2)
        self.authors = _plain(4)
        self.authors.setPlaceholderText("One author per line")
        self.incomplete = QCheckBox("Author list is incomplete (exported as “and others”)")
        self.venue = QLineEdit()
        self.venue_completer = QCompleter([], self)
        self.venue_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.venue_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.venue.setCompleter(self.venue_completer)
        self.year, self.month = QLineEdit(), QLineEdit()
        self.year.setPlaceholderText("YYYY")
        self.month.setPlaceholderText("1-12")
        self.year.setMaximumWidth(80)
        self.month.setMaximumWidth(60)
        self.arxiv_id, self.doi, self.url, self.citation_key = (QLineEdit() for _ in range(4))
        self.arxiv_id.setPlaceholderText("e.g. 2310.10631")
        self.doi.setPlaceholderText("10.xxxx/...")
        self.entry_type = QComboBox()
        self.entry_type.addItems([AUTO_TYPE, *ENTRY_TYPES])
        self.abstract = _plain(8)
        self.notes = _plain(3)
        self.extra = _plain(3)
        self.extra.textChanged.connect(self._fit_extra)
        self.extra.setPlaceholderText("volume = 12\npages = 97--111\npublisher = …")
        self.extra.setToolTip(
            "Other BibTeX fields, one “name = value” per line: kept as they came from the "
            "source file and exported as they are"
        )
        self._build_buttons()
        self._layout()
        self._bind()
        self._watch_changes()

    def _bind(self) -> None:
        """One input per field of the registry: the form reads and fills fields by name."""
        texts: dict[str, QLineEdit | QPlainTextEdit] = {
            "title": self.title, "venue": self.venue, "year": self.year, "month": self.month,
            "arxiv_id": self.arxiv_id, "doi": self.doi, "url": self.url,
            "citation_key": self.citation_key, "abstract": self.abstract, "notes": self.notes,
            "extra": self.extra,
        }  # fmt: skip
        self.inputs = {name: _text_input(widget) for name, widget in texts.items()}
        self.inputs["authors"] = _Input(
            lambda: [a for a in self.authors.toPlainText().splitlines() if a.strip()],
            lambda names: self.authors.setPlainText("\n".join(names)),
        )
        self.inputs["authors_incomplete"] = _Input(
            self.incomplete.isChecked, self.incomplete.setChecked
        )
        self.inputs["entry_type"] = _Input(self._entry_type, self._set_entry_type)
        missing = set(FIELDS) - set(self.inputs)
        assert not missing, f"the editor has no input for {missing}"

    def _entry_type(self) -> str | None:
        entry = self.entry_type.currentText()
        return None if entry.startswith(AUTO_TYPE) else entry

    def _set_entry_type(self, value: str | None) -> None:
        if value is None:
            self.entry_type.setCurrentIndex(0)
        else:
            self.entry_type.setCurrentText(value)

    def _build_buttons(self) -> None:
        self.error = QLabel()
        self.error.setObjectName("editorError")
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        self.save_button = QPushButton("Save")
        self.save_button.setDefault(True)
        self.revert_button = QPushButton("Revert")
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(lambda: self.show_work(self._work))

    def _watch_changes(self) -> None:
        for edit in (self.title, self.authors, self.abstract, self.notes, self.extra):
            edit.textChanged.connect(self._on_change)
        lines = (self.venue, self.year, self.month, self.arxiv_id, self.doi, self.url)
        for line in (*lines, self.citation_key):
            line.textChanged.connect(self._on_change)
        self.incomplete.toggled.connect(self._on_change)
        self.entry_type.currentIndexChanged.connect(self._on_change)

    def _layout(self) -> None:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Title", self.title)
        form.addRow("A&uthors", self.authors)
        form.addRow("", self.incomplete)
        form.addRow("&Venue", self.venue)
        date = QHBoxLayout()
        date.addWidget(self.year)
        date.addWidget(QLabel("Month"))
        date.addWidget(self.month)
        date.addStretch(1)
        year_label = QLabel("&Year")
        year_label.setBuddy(self.year)
        form.addRow(year_label, date)
        form.addRow("ar&Xiv id", self.arxiv_id)
        form.addRow("&DOI", self.doi)
        form.addRow("UR&L", self.url)
        form.addRow("Entry type", self.entry_type)
        form.addRow("Citation &key", self.citation_key)
        form.addRow("&Other fields", self.extra)
        form.addRow("&Abstract", self.abstract)
        form.addRow("&Notes", self.notes)
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addWidget(self.heading)
        inner_layout.addLayout(form)
        inner_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        buttons = QHBoxLayout()
        buttons.addWidget(self.error, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll, 1)
        outer.addLayout(buttons)

    def _fit_extra(self) -> None:
        """As tall as its lines (three to ten): most works have none, some have a dozen."""
        lines = min(max(self.extra.blockCount() + 1, 3), 10)
        self.extra.setFixedHeight(self.extra.fontMetrics().lineSpacing() * lines + 12)

    def set_venue_names(self, names: list[str]) -> None:
        self.venue_completer.model().setStringList(names)  # type: ignore[attr-defined]

    @property
    def work(self) -> WorkView | None:
        return self._work

    def show_work(self, work: WorkView | None) -> None:
        self._work = work
        self._loading = True
        w = work
        self.heading.setText(
            f"<b>Work {w.id}</b> · {counted(len(w.record_ids), 'source record')}"
            if w
            else "Select a work in the table to see and edit it."
        )
        auto = f"{AUTO_TYPE} ({w.entry_type})" if w and not w.entry_type_overridden else AUTO_TYPE
        self.entry_type.setItemText(0, auto)
        for name, field in self.inputs.items():
            field.put(form_value(w, name) if w else _EMPTY.get(FIELDS[name].kind, ""))
        self.error.clear()
        self._loading = False
        self.setEnabled(w is not None and not self.read_only)
        self._on_change()

    def values(self) -> dict[str, Any]:
        """What the form holds now, by the registry's field names."""
        return {name: field.get() for name, field in self.inputs.items()}

    def changes(self) -> dict[str, Any]:
        w = self._work
        if w is None:
            return {}
        return {k: v for k, v in self.values().items() if v != form_value(w, k)}

    def _on_change(self) -> None:
        if getattr(self, "_loading", False):
            return
        dirty = bool(self.changes())
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)

    def save(self) -> bool:
        if self._work is None:
            return False
        changes = self.changes()
        if not changes:
            return True
        try:
            updated = self._save(self._work.id, changes)
        except CuratorError as exc:
            self.error.setText(str(exc))
            return False
        self.show_work(updated)
        self.saved.emit(updated)
        return True
