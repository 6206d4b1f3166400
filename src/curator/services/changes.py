"""Use case: what others changed in the catalog since this program last looked (a window on a
shared catalog refreshes those works only)."""

from __future__ import annotations

from curator.events import log
from curator.events import since as _since
from curator.events.since import Since as Since
from curator.events.since import Step as Step
from curator.store.catalog import Catalog


def newest(catalog: Catalog) -> int:
    """The catalog's version: its newest event id (0: nothing logged yet)."""
    with catalog.read() as s:
        return log.newest_id(s)


def since(catalog: Catalog, after: int) -> Since:
    """Every step logged after event `after`, by anyone, with who made it and what it
    touched; `Since.newest` is where the next look starts."""
    with catalog.read() as s:
        return _since.since(s, after)
