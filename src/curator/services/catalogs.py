"""Which catalog file to open: --db, then CURATOR_DB, then the user's data folder."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_path, user_log_path

from curator.store.catalog import Catalog, open_catalog

__all__ = ["Catalog", "default_catalog_path", "log_file_path", "open_default"]

APP_NAME = "curator"


def default_catalog_path() -> Path:
    env = os.environ.get("CURATOR_DB")
    if env:
        return Path(env).expanduser()
    return user_data_path(APP_NAME, appauthor=False) / "catalog.sqlite"


def sample_catalog_path() -> Path:
    return user_data_path(APP_NAME, appauthor=False) / "sample-catalog.sqlite"


def open_default(path: Path | str | None = None) -> Catalog:
    return open_catalog(Path(path) if path else default_catalog_path())


def log_file_path() -> Path:
    """Where tracebacks of bugs go, for the command line and the window alike."""
    path = user_log_path(APP_NAME, appauthor=False) / "curator.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
