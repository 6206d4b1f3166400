"""What a librarian does first with an installed curator, from a folder that is not the
checkout, in a fresh home: for the wheel installed with pip and for the app bundle alike."""

from __future__ import annotations

from pathlib import Path

from curator.ui.smoke import ENV, READY
from tests.packaging.conftest import ROOT, VERSION, App, Ran, run, titles_in, user_env

BROKEN = ("Traceback", "Something went wrong", "a warning is open")


def _clean(ran: Ran) -> None:
    assert ran.code == 0, f"exit {ran.code}\n{ran.err}"
    for sign in BROKEN:
        assert sign not in ran.err, ran.err


def test_seed_imports_the_built_in_samples(
    app: App, elsewhere: Path, tmp_path: Path, sample_titles: list[str]
) -> None:
    env = user_env(tmp_path / "home")
    seeded = run([app.cli, "seed"], elsewhere, env)
    _clean(seeded)
    assert "imported" in seeded.out
    assert titles_in(app, elsewhere, env) == sample_titles


def test_command_line_reports_the_pyproject_version(
    app: App, elsewhere: Path, tmp_path: Path
) -> None:
    ran = run([app.cli, "--version"], elsewhere, user_env(tmp_path / "home"))
    assert ran.code == 0, ran.err
    assert ran.out.split() == ["curator", VERSION]


def _app_py_calls_the_hook() -> None:
    # Without the hook the window never closes itself and the test would wait for the hang
    # guard: say what is missing at once.
    assert "install_quit_when_ready(" in (ROOT / "src" / "curator" / "app.py").read_text(), (
        "src/curator/app.py must call curator.ui.smoke.install_quit_when_ready(window) after "
        "window.show() so the installed app can be smoke-tested"
    )


def test_window_opens_the_sample_catalog_and_quits_cleanly(
    app: App, elsewhere: Path, tmp_path: Path, sample_titles: list[str]
) -> None:
    _app_py_calls_the_hook()
    home = tmp_path / "home"
    env = user_env(home, **{ENV: "1"})
    shown = run([app.gui, "--sample"], elsewhere, env)
    _clean(shown)
    assert READY in shown.out
    (catalog,) = home.rglob("sample-catalog.sqlite")
    assert titles_in(app, elsewhere, env, "--db", str(catalog)) == sample_titles


def test_first_launch_fills_an_empty_catalog_with_the_samples(
    app: App, elsewhere: Path, tmp_path: Path, sample_titles: list[str]
) -> None:
    _app_py_calls_the_hook()
    env = user_env(tmp_path / "home", **{ENV: "1"})
    shown = run([app.gui], elsewhere, env)
    _clean(shown)
    assert READY in shown.out
    assert titles_in(app, elsewhere, env) == sample_titles  # the default catalog
