"""Use cases of the event log: undo, redo, what they would do, and the history a librarian sees.

Undo and redo take the session's own steps (a window's, or the user's command line's) unless
`anyone` asks for the catalog's next step whoever made it; undo passes over quiet steps (the
citation keys an export gave), which the history undoes on its own; `curator.events.log` says
why.
"""

from __future__ import annotations

from collections.abc import Generator

from curator.domain.errors import DamagedCatalogError
from curator.domain.progress import Progress, drain
from curator.events import log
from curator.events.log import Entry as HistoryEntry
from curator.events.log import KeysFirst, NotYours, Step, Waits
from curator.store import authors
from curator.store.catalog import Catalog

__all__ = [
    "HistoryEntry",
    "KeysFirst",
    "NotYours",
    "Step",
    "Waits",
    "count",
    "history",
    "is_new",
    "next_step_events",
    "next_steps",
    "open_window_session",
    "redo",
    "redo_steps",
    "undo",
    "undo_quiet",
    "undo_steps",
]


def open_window_session(catalog: Catalog) -> None:
    """The changes made through `catalog` from now on are a window's own: a session of their
    own, apart from other windows and from the command line (which is otherwise assumed). The
    same user's window steps made until now are an earlier window's, not another's."""
    try:
        with catalog.read() as s:
            since: int | None = log.newest_id(s)
    except DamagedCatalogError:  # an unreadable log: every window step is another's
        since = None
    authors.claim(catalog, authors.new_window(since))


def undo(catalog: Catalog, anyone: bool = False) -> str:
    """Revert this session's newest change still in effect (with `anyone`, the catalog's);
    its summary."""
    return drain(undo_steps(catalog, anyone=anyone))


def redo(catalog: Catalog, anyone: bool = False) -> str:
    """Apply again the change this session (with `anyone`, anyone) undid last; its summary."""
    return drain(redo_steps(catalog, anyone=anyone))


def undo_steps(
    catalog: Catalog, expected: int | None = None, anyone: bool = False
) -> Generator[Progress, None, str]:
    """`undo` for the window: a large step (an import, a bulk merge) runs in the background;
    closing the generator before the end rolls it back. With `expected` (the event the menu
    named), a step that is no longer the one to take is refused instead of another undone."""
    with catalog.write() as s:
        step = log.peek(s, log.UNDO, anyone, expected)
        yield Progress(0, 1, f"Undoing: {step.summary}" if step else "Undoing")
        return log.undo(s, expected, anyone).summary


def undo_quiet(catalog: Catalog, event_id: int) -> str:
    """Undo, from the history, a change undo passes over (the citation keys an export gave):
    the works lose those keys, unless a later change relies on them; the next export gives
    keys again. Its summary."""
    with catalog.write() as s:
        return log.undo_quiet(s, event_id).summary


def redo_steps(
    catalog: Catalog, expected: int | None = None, anyone: bool = False
) -> Generator[Progress, None, str]:
    with catalog.write() as s:
        step = log.peek(s, log.REDO, anyone)
        yield Progress(0, 1, f"Redoing: {step.summary}" if step else "Redoing")
        return log.redo(s, expected, anyone).summary


def next_step_events(catalog: Catalog) -> tuple[Step | None, Step | None]:
    """The changes undo and redo would take now for this session (event id, words, who made
    them, whether they are its own), in one read."""
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
    """Every change, oldest first, with who made it; only the `newest` ones if given (the
    window's first page)."""
    with catalog.read() as s:
        return log.entries(s, newest)


def count(catalog: Catalog) -> int:
    """How many entries the history has."""
    with catalog.read() as s:
        return log.count(s)
