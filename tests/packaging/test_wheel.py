"""The wheel: what it ships, and what the installed package reports about itself."""

from __future__ import annotations

import zipfile
from pathlib import Path

from curator.ui.icons import APP_ID, ICON_SIZES
from tests.packaging.conftest import ROOT, VERSION, App, run, user_env


def _names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as z:
        return set(z.namelist())


def test_wheel_ships_every_source_file_the_samples_and_the_icon(wheel: Path) -> None:
    names = _names(wheel)
    src = ROOT / "src"
    files = {
        p.relative_to(src).as_posix()
        for p in src.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and ".egg-info" not in str(p)
    }
    assert files <= names, f"not in the wheel: {sorted(files - names)}"
    seeds = {f"curator/sample_listings/{p.name}" for p in (ROOT / "seeds").glob("*.txt")}
    assert seeds and seeds <= names
    hicolor = "curator/resources/icons/hicolor"
    icons = {f"{hicolor}/{n}x{n}/apps/{APP_ID}.png" for n in ICON_SIZES}
    assert icons | {f"{hicolor}/scalable/apps/{APP_ID}.svg"} <= names
    assert "curator/resources/__init__.py" in names
    assert "curator/py.typed" in names


def test_installed_package_reports_the_pyproject_version(
    installed: App, elsewhere: Path, tmp_path: Path
) -> None:
    assert installed.python is not None
    code = (
        "import importlib.metadata, curator;"
        "print(importlib.metadata.version('curator'), curator.__version__, curator.__file__)"
    )
    ran = run([installed.python, "-c", code], elsewhere, user_env(tmp_path))
    assert ran.code == 0, ran.err
    metadata, attribute, where = ran.out.split()
    assert metadata == attribute == VERSION
    assert not Path(where).is_relative_to(ROOT)  # the installed copy, not the checkout


def test_installed_icon_has_every_size(installed: App, elsewhere: Path, tmp_path: Path) -> None:
    assert installed.python is not None
    code = (
        "from PySide6.QtGui import QGuiApplication\n"
        "from curator.ui.icons import app_icon\n"
        "app = QGuiApplication([])\n"
        "print(sorted(s.width() for s in app_icon().availableSizes()))\n"
    )
    ran = run([installed.python, "-c", code], elsewhere, user_env(tmp_path))
    assert ran.code == 0, ran.err
    assert ran.out.strip() == str(sorted(ICON_SIZES))
    assert "missing" not in ran.err
