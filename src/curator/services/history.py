"""Use cases of the event log: undo, redo, what they would do, and the history a librarian sees."""

from __future__ import annotations

from collections.abc import Generator

from curator.domain.progress import Progress, drain
from curator.events import log
from curator.events.log import Entry as HistoryEntry
from curator.events.log import Step
from curator.store.catalog import Catalog

__all__ = [
    "HistoryEntry",
    "Step",
    "count",
    "history",
    "is_new",
    "next_step_events",
    "next_steps",
    "redo",
    "redo_steps",
    "undo",
    "undo_steps",
]


def undo(catalog: Catalog) -> str:
    """Revert the newest change still in effect; its summary."""
    return drain(undo_steps(catalog))


def redo(catalog: Catalog) -> str:
    """Apply again the change undone last; its summary."""
    return drain(redo_steps(catalog))


def undo_steps(catalog: Catalog, expected: int | None = None) -> Generator[Progress, None, str]:
    """`undo` for the window: a large step (an import, a bulk merge) runs in the background;
    closing the generator before the end rolls it back. With `expected` (the event the menu
    named), a step that is no longer the newest is refused instead of another undone."""
    with catalog.write() as s:
        step, _ = log.next_steps(s)
        yield Progress(0, 1, f"Undoing: {step.summary}" if step else "Undoing")
        return log.undo(s, expected).summary


def redo_steps(catalog: Catalog, expected: int | None = None) -> Generator[Progress, None, str]:
    with catalog.write() as s:
        _, step = log.next_steps(s)
        yield Progress(0, 1, f"Redoing: {step.summary}" if step else "Redoing")
        return log.redo(s, expected).summary


def next_step_events(catalog: Catalog) -> tuple[Step | None, Step | None]:
    """The changes undo and redo would take now (event id and words), in one read."""
    with catalog.read() as s:
        return log.next_steps(s)


def next_steps(catalog: Catalog) -> tuple[str | None, str | None]:
    """What undo and redo would do now, in words; None where there is nothing."""
    undo_step, redo_step = next_step_events(catalog)
    return (undo_step.summary if undo_step else None, redo_step.summary if redo_step else None)


def is_new(catalog: Catalog) -> bool:
    """Nothing was ever done in this catalog (an empty one whose import was undone is not new:
    its redo must not be voided by anything done on its behalf)."""
    return count(catalog) == 0


def history(catalog: Catalog, newest: int | None = None) -> list[HistoryEntry]:
    """Every change, oldest first; only the `newest` ones if given (the window's first page)."""
    with catalog.read() as s:
        return log.entries(s, newest)


def count(catalog: Catalog) -> int:
    """How many entries the history has."""
    with catalog.read() as s:
        return log.count(s)
