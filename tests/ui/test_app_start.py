"""Starting the window on a catalog named by --db."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from curator import app


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
