"""Shared fixtures: a fresh catalog file per test, the seed listings, Qt offscreen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from curator.services import importing
from curator.services.samples import sample_listing_paths
from curator.store.catalog import Catalog, open_catalog

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


@pytest.fixture
def catalog_path(tmp_path: Path) -> Path:
    return tmp_path / "catalog.sqlite"


@pytest.fixture
def catalog(catalog_path: Path) -> Iterator[Catalog]:
    cat = open_catalog(catalog_path)
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
