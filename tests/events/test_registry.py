"""Every event older curators wrote loads through the registry in today's shape, and a catalog
upgraded from each older version can be undone to nothing and redone to what it was."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from curator.domain.errors import CuratorError
from curator.events.base import CURRENT
from curator.events.registry import COMMANDS, load
from curator.services import history
from curator.store.catalog import open_catalog
from tests.catalog_state import tables_state
from tests.conftest import FIXTURES

VERSIONS = [1, 2, 3, 4, 5, 6]


def _catalog_copy(tmp_path: Path, version: int) -> Path:
    path = tmp_path / f"v{version}.sqlite"
    shutil.copy(FIXTURES / "catalogs" / f"v{version}-sample.sqlite", path)
    return path


@pytest.mark.parametrize("version", VERSIONS)
def test_every_old_event_loads_in_the_current_shape(tmp_path: Path, version: int) -> None:
    path = _catalog_copy(tmp_path, version)
    with sqlite3.connect(path) as conn:
        events = conn.execute("SELECT kind, payload FROM event ORDER BY id").fetchall()
    kinds = set()
    for kind, raw in events:
        if kind in ("undo", "redo"):
            continue
        command = load(kind, json.loads(raw))
        dumped = command.dump()
        assert dumped["version"] == CURRENT
        assert load(kind, dumped).dump() == dumped  # today's shape reads back as itself
        kinds.add(kind)
    assert "import" in kinds and kinds <= COMMANDS.keys()


@pytest.mark.parametrize("version", VERSIONS)
def test_an_old_catalog_undoes_to_nothing_and_redoes_to_what_it_was(
    tmp_path: Path, version: int
) -> None:
    catalog = open_catalog(_catalog_copy(tmp_path, version))
    try:
        now = tables_state(catalog)
        steps = 0
        while True:
            try:
                history.undo(catalog)
            except CuratorError:
                break
            steps += 1
        emptied = tables_state(catalog)
        assert emptied["work"] == [] and emptied["sourcerecord"] == []
        assert emptied["importbatch"] == [] and emptied["work_fts"] == []
        for _ in range(steps):
            history.redo(catalog)
        assert tables_state(catalog) == now
    finally:
        catalog.close()
