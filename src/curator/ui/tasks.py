"""Run a use case's progress generator on a worker thread and report back on the GUI thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Generator
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from curator.domain.errors import CuratorError
from curator.domain.progress import Progress

log = logging.getLogger(__name__)

GeneratorFactory = Callable[[], Generator[Progress, None, Any]]


class Task(QObject):
    """One background job. Lives on the GUI thread; its signals arrive there."""

    progress = Signal(object)  # Progress
    finished = Signal(object)  # the generator's return value
    failed = Signal(str)  # a message for the user
    cancelled = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()
        self.done = False
        for signal in (self.finished, self.failed, self.cancelled):
            signal.connect(self._mark_done)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def _mark_done(self, *_: object) -> None:
        self.done = True


class _Worker(QRunnable):
    def __init__(self, make: GeneratorFactory, task: Task) -> None:
        super().__init__()
        self._make = make
        self._task = task

    def run(self) -> None:
        task = self._task
        try:
            gen = self._make()
            while True:
                if task.cancel_requested:
                    gen.close()  # rolls back the transaction in progress
                    task.cancelled.emit()
                    return
                try:
                    step = next(gen)
                except StopIteration as stop:
                    task.finished.emit(stop.value)
                    return
                task.progress.emit(step)
        except CuratorError as exc:
            task.failed.emit(str(exc))
        except Exception as exc:  # a bug: log the traceback, tell the user briefly
            log.exception("background task failed")
            task.failed.emit(f"Internal error: {exc.__class__.__name__}: {exc}")


class TaskRunner(QObject):
    """Starts tasks on a thread pool; keeps them alive until they end.

    A job is handed to the pool only when control returns to the event loop, after the caller
    has connected the task's signals: a job that ends at once (a file that fails on its first
    byte, a redo of a few rows) can then never report before anyone listens.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one writer at a time
        self._running: list[Task] = []
        self._pending: list[_Worker] = []

    def start(self, make: GeneratorFactory) -> Task:
        task = Task(self)
        self._running.append(task)
        for signal in (task.finished, task.failed, task.cancelled):
            signal.connect(lambda *_, t=task: self._forget(t))
        self._pending.append(_Worker(make, task))
        QTimer.singleShot(0, self, self._launch)
        return task

    def _launch(self) -> None:
        while self._pending:
            self._pool.start(self._pending.pop(0))

    @property
    def idle(self) -> bool:
        """No job waiting for the pool, and none whose end has not yet been reported."""
        return not self._pending and not self._running

    def _forget(self, task: Task) -> None:
        if task in self._running:
            self._running.remove(task)

    def stop(self) -> None:
        """Cancel every job (a job stops at its next step, rolled back) and wait until each
        has ended: what a window does before its catalog is closed under them."""
        for task in self._running:
            task.cancel()
        self.wait()

    def wait(self, msecs: int = -1) -> bool:
        """Wait for every job, those not yet handed to the pool included."""
        self._launch()
        return self._pool.waitForDone(msecs)
