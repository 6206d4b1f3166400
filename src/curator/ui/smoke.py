"""A window that closes itself once it is ready, so an installed app can be smoke-tested.

`CURATOR_QUIT_WHEN_READY=1 curator-gui --sample` opens the window as usual; once it has shown
and its background work has ended (the sample import a new catalog starts, the duplicate scan
after it), it closes as a librarian would and the app exits 0, saying so on stdout. A warning or
error box open by then, or a bug in a slot, exits 1 with the message on stderr instead of waiting
for a click that never comes. The packaging tests run the wheel's and the bundle's app this way.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

if TYPE_CHECKING:
    from curator.ui.main_window import MainWindow
    from curator.ui.tasks import Task

ENV = "CURATOR_QUIT_WHEN_READY"
READY = "curator-gui: ready and idle; closing as CURATOR_QUIT_WHEN_READY asks"
POLL_MS = 50  # how often the state is looked at: the answer never depends on it


def install_quit_when_ready(
    window: MainWindow, exit_with: Callable[[int], None] = QCoreApplication.exit
) -> bool:
    """Close `window` and call `exit_with(0)` once it is ready, when CURATOR_QUIT_WHEN_READY=1;
    otherwise do nothing. Returns whether it was installed."""
    if os.environ.get(ENV) != "1":
        return False
    watcher = _Watcher(window, exit_with)
    sys.excepthook = watcher.on_bug
    watcher.timer.start()
    return True


class _Watcher(QObject):
    """Looks at the window's state every POLL_MS. Listening to the tasks' signals instead
    would miss an end: a slot connected after a worker emitted, while the emission is still
    queued for the GUI thread, never hears it (and the app would wait forever)."""

    def __init__(self, window: MainWindow, exit_with: Callable[[int], None]) -> None:
        super().__init__(window)
        self.window = window
        self.exit_with = exit_with
        self.ended = False
        self.timer = QTimer(self, interval=POLL_MS)
        self.timer.timeout.connect(self.check)

    def busy(self) -> list[Task]:
        w = self.window
        tasks = (w.files.current_task, w.review.scan_task, w.steps.task)
        return [t for t in tasks if t is not None and not t.done]

    def check(self) -> None:
        if self.ended or not self.window.isVisible() or self.busy():
            return  # not shown yet, or an import or a scan still running: look again later
        boxes = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox)
            and w.isVisible()
            and w.icon() in (QMessageBox.Icon.Warning, QMessageBox.Icon.Critical)
        ]
        if boxes:
            texts = "\n".join(f"{b.windowTitle()}: {b.text()}" for b in boxes)
            self.end(1, f"curator-gui: a warning is open:\n{texts}")
        elif not self.window.close():
            self.end(1, "curator-gui: the window refused to close")
        else:
            print(READY, flush=True)
            self.end(0, "")

    def on_bug(
        self, kind: type[BaseException], value: BaseException, tb: TracebackType | None
    ) -> None:
        message = "".join(traceback.format_exception(kind, value, tb))
        self.end(1, f"curator-gui: Something went wrong: {value}\n{message}")

    def end(self, code: int, message: str) -> None:
        if self.ended:
            return
        self.ended = True
        self.timer.stop()
        if message:
            print(message, file=sys.stderr, flush=True)
        self.exit_with(code)
