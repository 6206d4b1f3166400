"""The packaging tests' fixtures: the wheel, a clean venv with it installed, and the app bundle,
each built once per session from the sources as they are now, in folders outside the checkout,
by the same functions `make package` runs (packaging/build.py)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

from curator.services import importing, works
from curator.services.samples import sample_listing_paths
from curator.store.catalog import open_catalog

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
VERSION = PYPROJECT["project"]["version"]
# How long one command may take before the test calls it hung: only a real hang reaches it
# (a PyInstaller build on a loaded 2-CPU machine takes a minute or two).
HANG = 1800  # s


def _load_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("curator_build", ROOT / "packaging" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUILD = _load_build()


@dataclass(frozen=True)
class App:
    """An installed curator: its two commands, and the Python it runs on (none in a bundle)."""

    name: str
    cli: Path
    gui: Path
    python: Path | None


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


def user_env(home: Path, **extra: str) -> dict[str, str]:
    """A librarian's first session: a fresh home and XDG folders, no catalog chosen, no trace of
    the checkout or its venv, Qt offscreen."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CURATOR_", "XDG_", "PYTHON", "VIRTUAL_ENV"))
    }
    venv_bin = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CACHE_HOME=str(home / "cache"),
        QT_QPA_PLATFORM="offscreen",
    )
    env.update(extra)
    return env


def run(args: list[str | Path], cwd: Path, env: Mapping[str, str]) -> Ran:
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=HANG,
        stdin=subprocess.DEVNULL,
    )
    return Ran(done.returncode, done.stdout, done.stderr)


def titles_in(app: App, cwd: Path, env: Mapping[str, str], *db: str) -> list[str]:
    """The titles of the catalog's works, as the installed command line lists them."""
    listed = run([app.cli, *db, "works", "--json"], cwd, env)
    assert listed.code == 0, listed.err
    return sorted(w["title"] or "" for w in json.loads(listed.out))


@pytest.fixture(scope="session")
def sample_titles(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """What the sample listings give when imported by the sources under test."""
    catalog = open_catalog(tmp_path_factory.mktemp("expected") / "catalog.sqlite")
    try:
        run_ = importing.run_to_end(importing.import_files(catalog, sample_listing_paths()))
        assert run_.ok, run_.failures
        return sorted(r.title or "" for r in works.rows(catalog))
    finally:
        catalog.close()


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path: Path = BUILD.build_wheel(tmp_path_factory.mktemp("wheel"))
    return path


@pytest.fixture(scope="session")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> App:
    """The wheel in a fresh venv, its dependencies from the package index (pip's cache)."""
    venv = BUILD.make_venv(tmp_path_factory.mktemp("installed") / "venv", wheel)
    return App(
        "wheel",
        BUILD.venv_bin(venv, "curator"),
        BUILD.venv_bin(venv, "curator-gui"),
        BUILD.venv_bin(venv, "python"),
    )


@pytest.fixture(scope="session")
def bundle(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> App:
    """The one-folder app bundle, built by PyInstaller in a venv of its own from the wheel."""
    base = tmp_path_factory.mktemp("bundle")
    venv = BUILD.make_venv(base / "venv", wheel, extras=BUILD.BUNDLE_EXTRAS)
    folder: Path = BUILD.build_bundle(venv, base / "dist", base / "work")
    exe = BUILD.EXE
    return App("bundle", folder / f"curator{exe}", folder / f"curator-gui{exe}", None)


@pytest.fixture(params=["installed", "bundle"])
def app(request: pytest.FixtureRequest) -> App:
    """Each way a librarian gets curator: `pip install` of the wheel, and the app bundle."""
    found: App = request.getfixturevalue(request.param)
    return found


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A working folder with nothing of the checkout in it."""
    folder = tmp_path / "work"
    folder.mkdir()
    return folder
