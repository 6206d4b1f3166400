"""The event log applied again to a copy of a catalog's earlier state, to check that the log
alone gives the catalog back: every change where it was made, each undo and redo where it was
taken (`replay`), or only the changes still done, in order (`replay_done`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from curator.events.base import Command
from curator.events.log import REDO, UNDO
from curator.events.registry import load
from curator.services import history
from curator.store import eventlog
from curator.store.catalog import Catalog
from curator.store.eventlog import EventRow


def log_after(catalog: Catalog, event_id: int) -> list[EventRow]:
    """Every row of the log after `event_id`, changes, undos and redos, oldest first."""
    with catalog.read() as s:
        return list(eventlog.rows_between(s, event_id))


def states(catalog: Catalog) -> dict[int, str]:
    """Where each change stands now (done, undone, void); undo and redo rows have none."""
    return {e.id: e.state for e in history.history(catalog) if e.state}


def replay(onto: Catalog, rows: Sequence[EventRow]) -> None:
    """Apply the log's rows to `onto` in one transaction, as they were taken: a change
    applied, an undo reverting its change, a redo applying it again with what its latest
    undo kept (in that undo's row)."""
    commands: dict[int, Command[Any]] = {}
    kept: dict[int, Any] = {}
    with onto.write() as s:
        for row in rows:
            if row.kind not in (UNDO, REDO):
                commands[row.id] = load(row.kind, row.payload)
                commands[row.id].apply(s)
                continue
            target = row.payload["target"]
            assert target in commands, f"#{row.id} takes back #{target}, before the replay"
            command = commands[target]
            if row.kind == UNDO:
                command.revert(s)
                kept[target] = row.payload.get("kept")
            else:
                command.reapply(s, kept.get(target) if command.keeps_on_revert else None)


def replay_done(onto: Catalog, rows: Sequence[EventRow], now: dict[int, str]) -> None:
    """Apply only the changes among `rows` that are done `now`, in order: what the catalog
    must hold if no undo or redo ever took a change out of order (a later change done only
    while every earlier one touching the same things is)."""
    replay(onto, [r for r in rows if now.get(r.id) == "done"])
