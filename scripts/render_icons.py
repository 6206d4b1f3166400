"""Render the application icon's PNG sizes from its SVG source, with Qt's own SVG renderer.

    python scripts/render_icons.py           # write resources/icons/hicolor/NxN/apps/*.png
    python scripts/render_icons.py --check   # exit 1 if a committed PNG is not the SVG's render

The PNGs are committed (desktops and the window read them; no SVG renderer is needed at run
time); the test suite runs --check, so an edited SVG without new PNGs fails.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from curator.ui.icons import APP_ID, ICON_SIZES

HICOLOR = Path(__file__).resolve().parents[1] / "resources" / "icons" / "hicolor"
SOURCE = HICOLOR / "scalable" / "apps" / f"{APP_ID}.svg"
# The same drawing on a 16-pixel grid with fewer, bolder shapes, for the sizes under 32 px.
SMALL_SOURCE = HICOLOR.parent / "source" / f"{APP_ID}-small.svg"
SMALL_UP_TO = 24
# Mean difference per channel (0-255) a committed PNG may have from a fresh render: room for
# another Qt's antialiasing, far below any change to the drawing.
TOLERANCE = 2.0


def png_path(size: int) -> Path:
    return HICOLOR / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def render(source: Path, size: int) -> QImage:
    renderer = QSvgRenderer(str(source))
    if not renderer.isValid():
        raise SystemExit(f"{source}: not an SVG Qt can read")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def difference(a: QImage, b: QImage) -> float:
    """Mean absolute difference per channel, 0-255; infinite when the sizes differ."""
    if a.size() != b.size():
        return float("inf")
    a = a.convertToFormat(QImage.Format.Format_RGBA8888)
    b = b.convertToFormat(QImage.Format.Format_RGBA8888)
    pa, pb = bytes(a.constBits()), bytes(b.constBits())
    return sum(abs(x - y) for x, y in zip(pa, pb, strict=True)) / len(pa)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    _app = QGuiApplication.instance() or QGuiApplication([])
    stale = []
    for size in ICON_SIZES:
        source = SMALL_SOURCE if size <= SMALL_UP_TO else SOURCE
        image, path = render(source, size), png_path(size)
        if args.check:
            committed = QImage(str(path))
            off = difference(image, committed) if not committed.isNull() else float("inf")
            if off > TOLERANCE:
                stale.append(f"{path.relative_to(HICOLOR.parents[2])}: differs by {off:.1f}")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not image.save(str(path), "PNG"):
                raise SystemExit(f"could not write {path}")
            print(path.relative_to(HICOLOR.parents[2]))
    if stale:
        print("Not the SVG's render (run python scripts/render_icons.py):", file=sys.stderr)
        print("\n".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
