"""The application icon: every size there, sharp (no size scaled from another), and the
committed PNGs the render of their SVG sources."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from curator.ui.icons import APP_ID, ICON_SIZES, app_icon
from tests.packaging.conftest import ROOT


def test_app_icon_has_every_size(qapp: QApplication) -> None:
    icon = app_icon()
    assert not icon.isNull()
    assert sorted(s.width() for s in icon.availableSizes()) == sorted(ICON_SIZES)
    for size in ICON_SIZES:
        pixmap = icon.pixmap(QSize(size, size))
        assert (pixmap.width(), pixmap.height()) == (size, size)


@pytest.mark.parametrize("size", [16, 48, 256])
def test_app_icon_is_drawn_not_blank(qapp: QApplication, size: int) -> None:
    image = app_icon().pixmap(QSize(size, size)).toImage()
    opaque = sum(
        1 for x in range(size) for y in range(size) if image.pixelColor(x, y).alpha() > 200
    )
    assert opaque > 0.6 * size * size  # the tile: most of the square, less its margin and corners
    colours = {image.pixelColor(x, y).name() for x in range(size) for y in range(size)}
    assert len(colours) > 4  # tile, cards, check: more than a flat square


def test_app_icon_says_which_size_is_missing(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("curator.ui.icons._hicolor", lambda: tmp_path)
    icon = app_icon()
    assert icon.isNull()
    assert "16 px application icon is missing" in caplog.text


def test_committed_pngs_are_the_render_of_the_svg(qapp: QApplication) -> None:
    spec = importlib.util.spec_from_file_location(
        "render_icons", ROOT / "scripts" / "render_icons.py"
    )
    assert spec is not None and spec.loader is not None
    render_icons = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render_icons)
    assert render_icons.main(["--check"]) == 0, "run: python scripts/render_icons.py"
    # and the check does fail on a drawing that is not the icon's
    blank = QImage(16, 16, QImage.Format.Format_ARGB32)
    blank.fill(0)
    assert render_icons.difference(render_icons.render(render_icons.SOURCE, 16), blank) > 10
    assert render_icons.png_path(16).name == f"{APP_ID}.png"
