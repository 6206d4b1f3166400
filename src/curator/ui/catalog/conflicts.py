"""The choice a librarian makes when someone else changed a work she was editing: each field
both changed, as she opened it, as the other left it and as she typed it; she keeps hers or
theirs, field by field. Her changes to fields nobody else touched are saved with the choice.

Opens window-modal without blocking (`open`): the editor keeps her typed values until she
chooses, and the tests drive the dialog like a librarian does."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from curator.domain import bibfields
from curator.domain.errors import ChangedSinceOpened
from curator.domain.fields import FIELDS

YOURS, THEIRS = 0, 1
_SHOWN_CHARS = 160  # of a long value (an abstract) in a cell; the tooltip has it whole


def shown(value: Any) -> str:
    """A field's value as a cell shows it."""
    if value is None or value == "" or value == () or value == []:
        return "(empty)"
    if isinstance(value, tuple | list) and all(isinstance(v, tuple) for v in value):
        return bibfields.as_text(tuple(value)) or "(empty)"  # other fields, name = value
    if isinstance(value, tuple | list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _cell(text: str) -> QLabel:
    label = QLabel(text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…")
    label.setWordWrap(True)
    label.setToolTip(text)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setMinimumWidth(160)
    label.setMaximumWidth(320)
    return label


class ConflictDialog(QDialog):
    """Keep mine or theirs, field by field; `choices()` is what to save against `now`."""

    def __init__(self, conflict: ChangedSinceOpened, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conflict = conflict
        self.setWindowTitle(f"Work {conflict.work_id} changed while you edited it")
        layout = QVBoxLayout(self)
        told = str(conflict)
        self.heading = QLabel(f"<b>{told[0].upper()}{told[1:]}.</b> Choose, field by field:")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        grid = QGridLayout()
        other = conflict.by.removeprefix("by ").removeprefix("from ")
        for column, title in enumerate(
            ("Field", "When you opened it", f"Now (changed by {other})", "Yours")
        ):
            grid.addWidget(QLabel(f"<i>{title}</i>"), 0, column)
        self.groups: dict[str, QButtonGroup] = {}
        for row, clash in enumerate(conflict.clashes, start=1):
            spec = FIELDS.get(clash.field)
            top = Qt.AlignmentFlag.AlignTop
            grid.addWidget(QLabel(spec.label if spec else clash.field), row, 0, top)
            grid.addWidget(_cell(shown(clash.opened)), row, 1, top)
            group = QButtonGroup(self)
            sides = ((clash.theirs, THEIRS, f"Keep {other}'s"), (clash.yours, YOURS, "Keep mine"))
            for column, (value, side, keep) in enumerate(sides, start=2):
                cell = QWidget()
                box = QVBoxLayout(cell)
                box.setContentsMargins(0, 0, 0, 0)
                box.addWidget(_cell(shown(value)))
                button = QRadioButton(keep)
                button.setChecked(side == YOURS)
                group.addButton(button, side)
                box.addWidget(button)
                grid.addWidget(cell, row, column, top)
            self.groups[clash.field] = group
        layout.addLayout(grid)
        if conflict.kept:
            names = ", ".join(FIELDS[f].label if f in FIELDS else f for f in conflict.kept)
            note = QLabel(f"Your other changes ({names}) are saved with your choice.")
            note.setWordWrap(True)
            layout.addWidget(note)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(
            "Save My Choice", QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.addButton("Keep Editing", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def choose(self, field: str, side: int) -> None:
        """Keep `YOURS` or `THEIRS` for one field (what a click on its button does)."""
        button = self.groups[field].button(side)
        button.setChecked(True)

    def choices(self) -> dict[str, Any]:
        """The changes to save against the work as it is now: the fields where yours was
        kept, and your changes to the fields nobody else touched."""
        mine = {
            c.field: c.yours
            for c in self.conflict.clashes
            if self.groups[c.field].checkedId() == YOURS
        }
        return {**self.conflict.kept, **mine}
