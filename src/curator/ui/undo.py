"""Edit › Undo and Redo: the actions named after the step they would take, and the step run off
the GUI thread (undoing an import of 100k works takes seconds), with progress and Cancel."""

from __future__ import annotations

from collections.abc import Callable, Generator

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QProgressDialog

from curator.domain.progress import Progress
from curator.services import history
from curator.services.catalogs import Catalog
from curator.ui.tasks import Task, TaskRunner

StepFactory = Callable[[Catalog], Generator[Progress, None, str]]


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class UndoActions(QObject):
    """The two actions and the one step that may be running."""

    ended = Signal(str)  # what the status bar says: "Undone: …", a failure, or a cancel

    def __init__(
        self,
        window: QMainWindow,
        catalog: Catalog,
        tasks: TaskRunner,
        ready: Callable[[], bool] = lambda: True,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.ready = ready  # False: not now (an edit on screen that cannot be saved)
        self.catalog = catalog
        self.tasks = tasks
        self.task: Task | None = None
        self.shown: tuple[int | None, int | None] = (None, None)
        self.undo_action = QAction("&Undo", window)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.triggered.connect(self.undo)
        self.redo_action = QAction("&Redo", window)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo_action.triggered.connect(self.redo)

    def update(self) -> None:
        """Name each action after the step it would take (two indexed queries)."""
        undo_step, redo_step = history.next_step_events(self.catalog)
        self.shown = (  # what the menu names, by event: undo and redo take that or nothing
            undo_step.event_id if undo_step else None,
            redo_step.event_id if redo_step else None,
        )
        undo_text = undo_step.summary if undo_step else None
        redo_text = redo_step.summary if redo_step else None
        idle = self.task is None
        self.undo_action.setEnabled(idle and undo_text is not None)
        self.undo_action.setText(f"&Undo {_short(undo_text)}" if undo_text else "&Undo")
        self.redo_action.setEnabled(idle and redo_text is not None)
        self.redo_action.setText(f"&Redo {_short(redo_text)}" if redo_text else "&Redo")

    def undo(self) -> Task | None:
        expected = self.shown[0]
        return self._start(lambda c: history.undo_steps(c, expected), "Undone", "Undoing…")

    def redo(self) -> Task | None:
        expected = self.shown[1]
        return self._start(lambda c: history.redo_steps(c, expected), "Redone", "Redoing…")

    def _start(self, steps: StepFactory, done: str, label: str) -> Task | None:
        if self.task is not None or not self.ready():
            return None
        dialog = QProgressDialog(label, "Cancel", 0, 0, self.window)
        dialog.setWindowTitle("Curator")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(500)  # a quick step shows nothing
        task = self.tasks.start(lambda: steps(self.catalog))
        self.task = task
        self.update()
        dialog.canceled.connect(task.cancel)
        task.progress.connect(lambda p: dialog.setLabelText(p.message))
        task.finished.connect(lambda summary: self._end(dialog, f"{done}: {summary}"))
        task.failed.connect(lambda message: self._end(dialog, message))
        task.cancelled.connect(lambda: self._end(dialog, "Cancelled: nothing was changed."))
        return task

    def _end(self, dialog: QProgressDialog, message: str) -> None:
        dialog.reset()
        dialog.deleteLater()
        self.task = None
        self.update()
        self.ended.emit(message)
