"""Build curator's wheel and its one-folder app bundle from the sources as they are.

    python packaging/build.py [--out build/package] [--dist dist]

1. the wheel, with `pip wheel --no-deps` (into DIST);
2. a clean build venv (OUT/venv) with that wheel and its `package` (PyInstaller) and
   `postgresql` (psycopg) extras installed from the package index: the bundle is made from
   what the wheel ships, never from the checkout or an editable install;
3. PyInstaller on packaging/curator.spec: DIST/curator/ with `curator-gui` and `curator`.

The build venv is kept between runs (dependencies are only added); the wheel is reinstalled
every time. The tests in tests/packaging call the same functions with folders of their own.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "curator.spec"
BUNDLE = "curator"  # DIST/curator/: the one-folder bundle
SCRIPTS = "Scripts" if os.name == "nt" else "bin"
EXE = ".exe" if os.name == "nt" else ""
# What the bundle's build venv installs beside the wheel: PyInstaller, and psycopg so that the
# bundle opens catalogs on a PostgreSQL server too.
BUNDLE_EXTRAS = "package,postgresql"


def venv_bin(venv: Path, name: str) -> Path:
    return venv / SCRIPTS / f"{name}{EXE}"


def run(*args: str | Path, cwd: Path | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], check=True, cwd=cwd)


def build_wheel(dist: Path) -> Path:
    """The wheel of the sources as they are now (a fresh one even when one is there)."""
    dist.mkdir(parents=True, exist_ok=True)
    for old in dist.glob("curator-*.whl"):
        old.unlink()
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", dist, ROOT)
    (wheel,) = dist.glob("curator-*.whl")
    return wheel


def make_venv(venv: Path, wheel: Path, extras: str = "") -> Path:
    """A venv with the wheel installed (its dependencies from the index), outside the checkout's
    own venv; made once, then the wheel alone is reinstalled."""
    python = venv_bin(venv, "python")
    if not python.exists():
        run(sys.executable, "-m", "venv", venv)
    requirement = f"{wheel}[{extras}]" if extras else str(wheel)
    run(python, "-m", "pip", "install", "-q", "--disable-pip-version-check", requirement)
    # the same version number, new contents: replace the installed copy with this wheel's
    run(python, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", wheel)
    return venv


def build_bundle(venv: Path, dist: Path, work: Path) -> Path:
    """PyInstaller in the build venv: DIST/curator/ (replaced whole)."""
    run(
        venv_bin(venv, "pyinstaller"),
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        dist,
        "--workpath",
        work,
        SPEC,
        cwd=work.parent,
    )
    return dist / BUNDLE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "package", help="build venv")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="wheel and bundle")
    args = parser.parse_args(argv)
    out, dist = args.out.resolve(), args.dist.resolve()
    out.mkdir(parents=True, exist_ok=True)
    wheel = build_wheel(dist)
    venv = make_venv(out / "venv", wheel, extras=BUNDLE_EXTRAS)
    shutil.rmtree(out / "work", ignore_errors=True)
    bundle = build_bundle(venv, dist, out / "work")
    print(f"wheel:  {wheel}\nbundle: {bundle}/curator-gui (the window), {bundle}/curator")
    return 0


if __name__ == "__main__":
    sys.exit(main())
