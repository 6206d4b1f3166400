"""The main window on the seeded sample catalog, closed without ever waiting on a prompt."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from curator.store.catalog import Catalog
from curator.ui.main_window import MainWindow


def open_window(catalog: Catalog) -> MainWindow:
    w = MainWindow(catalog)
    w.show()
    return w


def close_window(w: MainWindow) -> None:
    # Pending edits are dropped first so closing never waits on a prompt.
    w.editor.show_work(w.editor.work)
    w.close()
    w.deleteLater()


@pytest.fixture
def window(qtbot, seeded: Catalog) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    w = open_window(seeded)
    yield w
    close_window(w)
