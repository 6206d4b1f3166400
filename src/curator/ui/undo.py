"""Edit › Undo and Redo: the actions named after the step they would take, and the step run off
the GUI thread (undoing an import of 100k works takes seconds), with progress and Cancel.

A window is a session of its own (`history.open_window_session`): Undo takes this window's
last change, never another window's or the command line's unasked. When the window has none
left, or its own must wait (a later change by someone else touched the same works: why, in
`curator.events.log`), the actions name the catalog's next step and who made it ("Undo #7
Merge … (by another window)…") and ask before taking it; a step this window undid or redid
itself is not asked about again. A catalog whose log cannot be read offers nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Generator

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QProgressDialog

from curator.domain.errors import DamagedCatalogError
from curator.domain.progress import Progress
from curator.services import history
from curator.services.catalogs import Catalog
from curator.services.history import Step
from curator.ui.shortcuts import HELP
from curator.ui.tasks import Task, TaskRunner

StepFactory = Callable[[Catalog], Generator[Progress, None, str]]
_PAST = {"Undo": "undone", "Redo": "redone"}


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
        history.open_window_session(catalog)  # before this window changes anything
        self.tasks = tasks
        self.task: Task | None = None
        self.shown: tuple[Step | None, Step | None] = (None, None)  # what the menu names
        self.moved: set[int] = set()  # steps this window undid or redid itself
        self.undo_action = QAction("&Undo", window)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setProperty(HELP, "Undo the last change (survives a restart)")
        self.undo_action.triggered.connect(self.undo)
        self.redo_action = QAction("&Redo", window)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.redo_action.setProperty(HELP, "Redo the change undone last")
        self.redo_action.triggered.connect(self.redo)

    def forget(self) -> None:
        """The catalog's file was replaced (a restore): the steps this window moved were the
        old file's, and their ids may be new steps' now."""
        self.moved.clear()

    def update(self) -> None:
        """Name each action after the step it would take (a few indexed queries, and the
        touch check of an own step that is not the catalog's next)."""
        try:
            self.shown = history.next_step_events(self.catalog)
        except DamagedCatalogError:  # the window's banner offers the backups
            self.shown = (None, None)
        idle = self.task is None
        for action, step, verb in (
            (self.undo_action, self.shown[0], "Undo"),
            (self.redo_action, self.shown[1], "Redo"),
        ):
            action.setEnabled(idle and step is not None)
            action.setText(self._label(verb, step))
            action.setStatusTip(self._tip(verb, step))
            action.setToolTip(self._tip(verb, step) or action.text().replace("&", ""))

    def _label(self, verb: str, step: Step | None) -> str:
        if step is None:
            return f"&{verb}"
        note = f" ({step.note})" if step.note else ""
        asks = "…" if self._asks(step) else ""
        number = f"#{step.event_id} " if step.waiting else ""
        return f"&{verb} {number}{_short(step.summary)}{note}{asks}"

    @staticmethod
    def _tip(verb: str, step: Step | None) -> str:
        if step is not None and step.waiting is not None:
            return (
                f"This window's “{step.waiting.summary}” must wait for it: {step.waiting.reason}."
            )
        if step is None or step.latest is None:
            return ""
        latest = step.latest
        return (
            f"{verb} this window's last change. The catalog's latest change, "
            f"“{latest.summary}”, was made {latest.note} after it."
        )

    def _asks(self, step: Step) -> bool:
        """Another's step is taken only when the librarian says so, unless this window
        already moved it (undid it, then redoes it)."""
        return not step.own and step.event_id not in self.moved

    def _confirmed(self, verb: str, step: Step) -> bool:
        if not self._asks(step):
            return True
        waits = (
            f"This window's “{step.waiting.summary}” can be {_PAST[verb]} only after it.\n\n"
            if step.waiting
            else ""
        )
        answer = QMessageBox.question(
            self.window,
            f"{verb} another's change?",
            f"“{step.summary}” was made {step.note}, not in this window.\n\n{waits}"
            f"{verb} it anyway? Whoever made it will find it {_PAST[verb]}.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def undo(self) -> Task | None:
        return self._take("Undo", self.shown[0], history.undo_steps, "Undone", "Undoing…")

    def redo(self) -> Task | None:
        return self._take("Redo", self.shown[1], history.redo_steps, "Redone", "Redoing…")

    def _take(
        self,
        verb: str,
        step: Step | None,
        run: Callable[[Catalog, int | None, bool], Generator[Progress, None, str]],
        done: str,
        label: str,
    ) -> Task | None:
        """Take the step the menu names, or nothing: with `expected`, a step that changed
        since is refused; another's step only once the librarian said yes."""
        if self.task is not None or not self.ready():
            return None
        if step is not None and not self._confirmed(verb, step):
            return None
        expected = step.event_id if step else None
        anyone = step is not None and not step.own
        return self._start(lambda c: run(c, expected, anyone), done, label, expected)

    def _start(self, steps: StepFactory, done: str, label: str, taken: int | None) -> Task:
        dialog = QProgressDialog(label, "Cancel", 0, 0, self.window)
        dialog.setWindowTitle("Curator")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(500)  # a quick step shows nothing
        task = self.tasks.start(lambda: steps(self.catalog))
        self.task = task
        self.update()
        if taken is not None:  # before the menu is named again at the end
            task.finished.connect(lambda _summary: self.moved.add(taken))
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
