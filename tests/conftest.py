"""Shared fixtures: a fresh catalog per test (a file; in the store, services and events tests a
database on a real PostgreSQL server as well), the seed listings, Qt offscreen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from curator.services import importing
from curator.services.samples import sample_listing_paths
from curator.store.catalog import Catalog, open_catalog
from tests.postgres import TEMPLATE, Server, running_server

ROOT = Path(__file__).resolve().parents[1]
# How long a GUI test waits for a signal or a state: only a real hang should ever reach it.
# Machines here are shared and loaded; a test must never fail because one was slow.
HANG = 600_000  # ms
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the real user's catalog, settings or logs."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.delenv("CURATOR_DB", raising=False)


# The folders under tests/ whose tests run on both engines: each test that uses a catalog
# runs once on a file ([sqlite]) and once on a server database ([postgresql]). A test about
# what only a file has (its bytes, backups, pragmas) is marked `sqlite_only`; one about what
# only a server has, `server_only`. The command-line tests are not among them: each makes a
# catalog file of its own with --db; tests/cli/test_server_catalog.py runs the commands on a
# server.
BOTH_ENGINES = ("store", "services", "events")
ENGINES = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: a test of what only a catalog file has; not run on a server"
    )
    config.addinivalue_line(
        "markers", "server_only: a test of what only a server catalog has; run on a server"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "catalog_engine" not in metafunc.fixturenames:
        return
    test = metafunc.definition
    folder = Path(test.path).relative_to(ROOT / "tests").parts[0]
    if test.get_closest_marker("server_only"):
        metafunc.parametrize("catalog_engine", ["postgresql"], indirect=True)
    elif folder in BOTH_ENGINES and not test.get_closest_marker("sqlite_only"):
        metafunc.parametrize("catalog_engine", ENGINES, indirect=True)


@pytest.fixture
def catalog_engine(request: pytest.FixtureRequest) -> str:
    """Which engine the test's catalog is on ("sqlite" where a test runs on files only)."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server]:
    """One PostgreSQL server for the whole session, with a template catalog at the current
    schema; stopped at the end, a failed or interrupted session included. A server that
    cannot be started fails the tests that need it (never a skip)."""
    with running_server() as server:
        server.new_database(None, name=TEMPLATE)
        open_catalog(server.url(TEMPLATE)).close()
        yield server


@pytest.fixture
def pg_database(pg_server: Server) -> Iterator[str]:
    """A fresh catalog database of the test's own (a copy of the template), dropped after."""
    name = pg_server.new_database()
    yield pg_server.url(name)
    pg_server.drop_database(name)


@pytest.fixture
def catalog_path(tmp_path: Path) -> Path:
    return tmp_path / "catalog.sqlite"


@pytest.fixture
def catalog_location(catalog_engine: str, request: pytest.FixtureRequest) -> Path | str:
    """Where the test's catalog is: a file's path, or a server database's address."""
    if catalog_engine == "postgresql":
        return str(request.getfixturevalue("pg_database"))
    return Path(request.getfixturevalue("catalog_path"))


@pytest.fixture
def catalog(catalog_location: Path | str) -> Iterator[Catalog]:
    cat = open_catalog(catalog_location)
    yield cat
    cat.close()


@pytest.fixture
def seed_paths() -> list[Path]:
    return sample_listing_paths()


@pytest.fixture
def seeded(catalog: Catalog, seed_paths: list[Path]) -> Catalog:
    run = importing.run_to_end(importing.import_files(catalog, seed_paths))
    assert run.ok, run.failures
    return catalog
