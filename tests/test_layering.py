"""The layering rules of STYLE.md, checked by import-linter's contracts in pyproject.toml."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe, "import-linter is a test dependency"
    result = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line"),
    [
        ("cli/venues.py", "import PySide6.QtWidgets"),  # Qt outside the ui
        ("ui/history_view.py", "from curator.store import queries"),  # the ui past services
        ("services/works.py", "from curator.ui import tasks"),  # a layer reaching up
        ("matching/engine.py", "from curator.venues import suggest"),  # engines independent
        ("services/works.py", "from curator.store.tables import Work"),  # ORM past the store
    ],
)
def test_a_deliberate_violation_breaks_a_contract(tmp_path: Path, module: str, line: str) -> None:
    """The contracts are not vacuous: a copy of the package with one bad import fails them."""
    shutil.copytree(ROOT / "src" / "curator", tmp_path / "src" / "curator")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "src" / "curator" / module
    target.write_text(target.read_text() + f"\n{line}\n")
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert exe
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "src")}
    result = subprocess.run(
        [exe, "--no-cache"], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0, result.stdout
    assert "1 broken" in result.stdout
