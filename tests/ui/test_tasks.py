"""Background jobs always report, however fast they end: a job that fails or finishes on its
first step is never lost before its signals are connected (the import that hung for good).

Each check waits for the worker to end (the pool is done), then delivers what it queued to the
GUI thread: a signal lost before anyone listened shows at once as a failure, never as a wait."""

from __future__ import annotations

from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QTimer
from PySide6.QtWidgets import QMainWindow, QMessageBox, QProgressDialog
from pytestqt.qtbot import QtBot

from curator.domain.errors import CuratorError
from curator.domain.progress import Progress
from curator.services import importing
from curator.store.catalog import Catalog
from curator.ui.file_actions import FileActions
from curator.ui.tasks import Task, TaskRunner
from tests.conftest import HANG

RUNS = 200


def _fails_at_once() -> Generator[Progress, None, None]:
    raise CuratorError("empty.txt: no record could be read")
    yield  # a generator, as every job is


def _ends_at_once() -> Generator[Progress, None, int]:
    return 42
    yield


def _ended(runner: TaskRunner) -> None:
    """Wait for every job the runner was given to end on its worker, then deliver on the GUI
    thread what they reported (signals are queued to it): no clock, no guess."""
    assert runner.wait(HANG)
    QCoreApplication.sendPostedEvents()


def test_jobs_that_end_at_once_always_report(qtbot: QtBot) -> None:
    runner = TaskRunner()
    for run in range(RUNS):
        failures: list[str] = []
        results: list[int] = []
        failing = runner.start(_fails_at_once)
        failing.failed.connect(failures.append)  # connected after start, as every caller does
        _ended(runner)
        assert failures == ["empty.txt: no record could be read"], f"run {run}: failure lost"
        assert failing.done and runner.idle, run
        quick = runner.start(_ends_at_once)
        quick.finished.connect(results.append)
        _ended(runner)
        assert results == [42], f"run {run}: result lost"
        assert quick.done and runner.idle, run


def test_a_job_is_started_only_once_control_is_back_in_the_event_loop(qtbot: QtBot) -> None:
    """Whatever the caller does after `start` before it returns, the job has not run yet."""
    runner = TaskRunner()
    ran: list[bool] = []

    def job() -> Generator[Progress, None, None]:
        ran.append(True)
        return
        yield

    task = runner.start(job)
    assert not runner.idle and not task.done
    runner._pool.waitForDone()  # a job already handed to the pool would have ended here
    assert ran == []
    with qtbot.waitSignal(task.finished, timeout=HANG):
        pass  # the event loop starts it
    assert ran == [True]
    qtbot.waitUntil(lambda: runner.idle, timeout=HANG)


def test_a_job_cancelled_before_it_starts_says_so(qtbot: QtBot) -> None:
    runner = TaskRunner()
    task = runner.start(_ends_at_once)
    task.cancel()
    with qtbot.waitSignal(task.cancelled, timeout=HANG):
        pass
    assert task.done
    qtbot.waitUntil(lambda: runner.idle, timeout=HANG)


# --- the "Importing…" dialog of File › Import, over the same runner ----------------------------


@pytest.fixture
def files(qtbot: QtBot, catalog: Catalog) -> Iterator[FileActions]:
    window = QMainWindow()
    qtbot.addWidget(window)
    actions = FileActions(window, catalog, TaskRunner(window), lambda: None)
    actions.show_reports = False  # the report dialog is not what is tested here
    yield actions


def _import_ended(files: FileActions, task: Task) -> None:
    """The import's job ended and its end reached the window: the dialog is closed for good
    (no timer left to show it later), the actions are back, the runner is idle."""
    _ended(files.tasks)
    assert task.done
    dialogs = files.window.findChildren(QProgressDialog)
    assert all(not d.isVisible() for d in dialogs)
    assert all(not t.isActive() for d in dialogs for t in d.findChildren(QTimer))
    assert files.import_action.isEnabled() and files.sample_action.isEnabled()
    assert files.tasks.idle
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the closed dialog


def test_an_import_that_fails_at_once_always_closes_its_dialog(
    files: FileActions, tmp_path: Path
) -> None:
    """An empty file and a program (`/bin/ls`): read and refused at once, 200 times each."""
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "ls"
    binary.write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4)
    ended: list[int] = []
    files.import_ended.connect(lambda: ended.append(1))
    for run in range(RUNS):
        for path in (empty, binary):
            task = files.import_files([path])
            _import_ended(files, task)
            assert files.last_import is not None and not files.last_import.ok, run
    assert len(ended) == 2 * RUNS


def test_an_import_job_that_fails_as_a_whole_always_closes_its_dialog(
    files: FileActions, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other way a job ends: `failed` (a bug, or an error outside any one file)."""
    monkeypatch.setattr(importing, "import_files", lambda *_: _fails_at_once())
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _w, _t, text: warned.append(text))
    for run in range(RUNS):
        task = files.import_files([tmp_path / "any.txt"])
        _import_ended(files, task)
        assert len(warned) == run + 1
