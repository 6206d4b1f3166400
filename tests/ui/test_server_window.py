"""The window on a catalog on a PostgreSQL server: `curator-gui --db postgresql://…` and File ›
Open Catalog on a Server… open it; the title, About and Open Recent name its server address but
never a password; what only a file has (backups, restore, checks) is not offered there, and
says why."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from curator.services import catalogs, importing
from curator.services.catalogs import open_default
from curator.store import server
from curator.store.catalog import Catalog, open_catalog
from curator.ui.catalog_menu import recent_catalogs, recent_file
from curator.ui.main_window import MainWindow
from curator.ui.server_dialog import ServerDialog
from curator.ui.smoke import READY
from curator.ui.windows import Windows
from tests.conftest import HANG, ROOT
from tests.ui.test_import_errors import shown

SECRET = "s3cret-Pass"  # the test server lets its user in without one: any is accepted


@pytest.fixture
def address(pg_database: str, seed_paths: list[Path]) -> str:
    """A seeded server catalog's address, with a password in it."""
    catalog = open_catalog(pg_database)
    importing.run_to_end(importing.import_files(catalog, seed_paths[:2]))
    catalog.close()
    return catalogs.server_address(pg_database, SECRET)


@pytest.fixture
def windows(qtbot: QtBot) -> Iterator[Windows]:
    owner = Windows()
    yield owner
    for window in list(owner.open):
        window.editor.show_work(window.editor.work)
        window.close()


def _database(address: str) -> str:
    return catalogs.server_name(address)


def _listening(catalog: Catalog) -> int:
    """How many connections LISTEN for the catalog's notices (one per window)."""
    assert catalog.url is not None
    with server.connect(catalog.url) as conn:
        found = conn.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND query LIKE 'LISTEN %'"
        ).fetchone()
    return int(found[0]) if found else 0


def test_the_window_names_the_server_and_never_its_password(
    qtbot: QtBot, windows: Windows, address: str
) -> None:
    window = windows.show(open_default(address, daily=False))
    qtbot.waitUntil(lambda: window.tasks.idle, timeout=HANG)
    where = window.catalog.location
    assert where.startswith("postgresql://") and SECRET not in where
    assert window.windowTitle() == f"{_database(address)} at {where} — Curator"
    box = window.about()
    text = shown(box)
    box.close()
    assert "Server" in text and where in text
    assert window.catalog_label.text() == _database(address)
    assert where in window.catalog_label.toolTip()
    assert window.model.rowCount() > 0
    assert recent_catalogs()[0] == where  # remembered without its password
    for said in (window.windowTitle(), text, window.catalog_label.toolTip()):
        assert SECRET not in said
    assert SECRET not in recent_file().read_text(encoding="utf-8")


def test_backups_are_not_offered_on_a_server_and_say_why(
    qtbot: QtBot, windows: Windows, address: str
) -> None:
    window = windows.show(open_default(address, daily=False))
    action = window.files.backups_action
    assert not action.isEnabled()
    assert "server" in action.toolTip() and "pg_dump" in action.toolTip()
    assert not window.damage.isVisible()  # nothing to restore from: no banner either


def test_open_catalog_on_a_server_replaces_the_window(
    qtbot: QtBot, windows: Windows, seeded: Catalog, address: str
) -> None:
    first = windows.show(seeded)
    dialog = first.catalogs.choose_server()
    dialog.address_edit.setText(server.hide_password(address))
    dialog.password_edit.setText(SECRET)
    assert dialog.password_edit.echoMode() == dialog.password_edit.EchoMode.Password
    dialog.accept()

    (second,) = windows.open
    assert second is not first and second.catalog.is_server
    assert first.live.watch_thread is None  # the replaced window stopped watching its file
    assert second.catalog.location == server.hide_password(address)
    assert _listening(second.catalog) == 1  # its watcher
    second.catalogs.recent_menu.aboutToShow.emit()
    back = second.catalogs.recent_menu.actions()[0]
    assert back.text() == "catalog.sqlite" and back.toolTip() == str(seeded.path.resolve())
    back.trigger()  # Open Recent › the file again
    (third,) = windows.open
    assert not third.catalog.is_server
    third.catalogs.recent_menu.aboutToShow.emit()
    again = third.catalogs.recent_menu.actions()[0]
    assert again.text() == f"{_database(address)} (server)"
    assert SECRET not in again.toolTip()


def test_closing_the_window_ends_its_listening_connection(
    qtbot: QtBot, windows: Windows, address: str
) -> None:
    window = windows.show(open_default(address, daily=False))
    other = open_catalog(address)
    try:
        assert _listening(other) == 1
        window.close()
        assert window.live.watch_thread is None
        qtbot.waitUntil(lambda: _listening(other) == 0, timeout=HANG)  # the server's side
    finally:
        other.close()


def test_an_address_curator_cannot_use_is_said_in_the_dialog(
    qtbot: QtBot, windows: Windows, seeded: Catalog
) -> None:
    first = windows.show(seeded)
    for typed in ("db.example/catalog", "postgresql://ann@db.example:port/catalog"):
        dialog = first.catalogs.choose_server()
        dialog.address_edit.setText(typed)
        dialog.accept()
        assert dialog.isVisible() and "postgresql://user@host:port/database" in (
            dialog.problem.text()
        )
        dialog.reject()
    assert windows.open == [first]


def test_a_server_that_refuses_asks_again_saying_why(
    qtbot: QtBot, windows: Windows, seeded: Catalog, address: str
) -> None:
    first = windows.show(seeded)
    missing = server.url_of(address).set(database="no_such_catalog")
    typed = missing.render_as_string(hide_password=False)
    assert windows.open_catalog(first, typed, False) is None
    (asked,) = [d for d in first.findChildren(ServerDialog) if d.isVisible()]
    assert "no such database" in asked.problem.text() and SECRET not in asked.problem.text()
    assert asked.address_edit.text() == server.hide_password(typed)
    assert windows.open == [first]
    asked.reject()


def test_curator_gui_opens_a_server_catalog(address: str) -> None:
    """The real entry point, in a process of its own, closing itself once ready."""
    env = os.environ | {
        "QT_QPA_PLATFORM": "offscreen",
        "CURATOR_QUIT_WHEN_READY": "1",
        "PYTHONPATH": str(ROOT / "src"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "curator.app", "--db", address],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=HANG / 1000,
    )
    assert done.returncode == 0, done.stderr
    assert READY in done.stdout
    assert SECRET not in done.stdout + done.stderr


def test_a_catalog_file_keeps_its_backups(window: MainWindow) -> None:
    assert window.files.backups_action.isEnabled()
    assert not window.files.backups_action.toolTip().startswith("A catalog on a database server")
