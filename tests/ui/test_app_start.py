"""Starting the window on a catalog named by --db."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from curator import app
from curator.ui.icons import APP_ID


def test_a_mistyped_db_folder_is_refused_not_made(
    qapp: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda _parent, _title, text: said.append(text))
    )
    typo = tmp_path / "catalgos" / "mine.sqlite"

    assert app.main(["--db", str(typo)]) == 1

    assert not typo.parent.exists()  # no folder, no empty catalog
    assert len(said) == 1 and "catalgos" in said[0]


def test_the_window_tells_the_desktop_its_entry(
    qapp: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Docks and Wayland match a window to its .desktop entry (and icon) by this id."""
    monkeypatch.setattr(QMessageBox, "critical", staticmethod(lambda *_args: None))
    QApplication.setDesktopFileName("")
    app.main(["--db", str(tmp_path / "missing" / "x.sqlite")])
    assert QApplication.desktopFileName() == APP_ID
