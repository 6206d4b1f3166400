"""Background jobs always report, however fast they end: a job that fails or finishes on its
first step is never lost before its signals are connected (the import that hung for good)."""

from __future__ import annotations

from collections.abc import Generator

from pytestqt.qtbot import QtBot

from curator.domain.errors import CuratorError
from curator.domain.progress import Progress
from curator.ui.tasks import TaskRunner
from tests.conftest import HANG


def _fails_at_once() -> Generator[Progress, None, None]:
    raise CuratorError("empty.txt: no record could be read")
    yield  # a generator, as every job is


def _ends_at_once() -> Generator[Progress, None, int]:
    return 42
    yield


def test_jobs_that_end_at_once_always_report(qtbot: QtBot) -> None:
    runner = TaskRunner()
    failures: list[str] = []
    results: list[int] = []
    for _ in range(100):
        failing = runner.start(_fails_at_once)
        failing.failed.connect(failures.append)  # connected after start, as every caller does
        with qtbot.waitSignal(failing.failed, timeout=HANG):
            pass
        quick = runner.start(_ends_at_once)
        quick.finished.connect(results.append)
        with qtbot.waitSignal(quick.finished, timeout=HANG):
            pass
    assert failures == ["empty.txt: no record could be read"] * 100
    assert results == [42] * 100
    runner.wait()


def test_a_job_cancelled_before_it_starts_says_so(qtbot: QtBot) -> None:
    runner = TaskRunner()
    task = runner.start(_ends_at_once)
    task.cancel()
    with qtbot.waitSignal(task.cancelled, timeout=HANG):
        pass
    assert task.done
