"""A window follows what others change in its catalog (another window, the command line, another
librarian on the same server): within a second, without reloading what did not change.

A thread blocks on the catalog's watcher (`services.watching`: a server's notices, a file's
version) and tells the window; the window reads what happened since it last looked
(`changes.since`) and refreshes only what that touched: the rows of the works changed (a row of
a work merged away leaves the table), the work open in the editor unless it holds edits, the
history, the venues and the duplicate queue. Its own steps it has shown already: passed over.
A catalog restored from a backup elsewhere (its log ends before what the window saw) is read
again whole.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, QTimer, Signal

from curator.domain.errors import CuratorError
from curator.services import changes, watching, works
from curator.services.watching import Theirs, Watcher

if TYPE_CHECKING:
    from curator.ui.main_window import MainWindow

log = logging.getLogger(__name__)

WAIT_S = 5.0  # how long the thread blocks on one wait: a stop wakes it at once anyway
GATHER_MS = 50  # notices this close together are read as one
MANY = 5_000  # works changed at once past which the table is read again whole


class WatchThread(QThread):
    """Waits on a watcher until stopped; `noticed` each time the catalog may have changed."""

    noticed = Signal()

    def __init__(self, watcher: Watcher, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.watcher = watcher

    def run(self) -> None:
        try:
            while not self.isInterruptionRequested():
                if self.watcher.wait(WAIT_S):
                    self.noticed.emit()
        except Exception:  # a bug: logged; the window goes on without live refresh
            log.exception("watching the catalog failed")

    def stop(self) -> None:
        """End the thread and its watcher; returns once both are done."""
        self.requestInterruption()
        self.watcher.stop()
        self.wait()
        self.watcher.close()


class LiveRefresh(QObject):
    """The window's side: where it last looked in the log, and what each view refreshes."""

    refreshed = Signal(object)  # Theirs: others' steps, once every view shows them

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.seen = self._newest()  # before the views read the catalog: nothing is missed
        self.watch_thread: WatchThread | None = None
        self.watching = False  # between start and stop: a notice still queued is dropped after
        self.gather = QTimer(self, singleShot=True, interval=GATHER_MS)
        self.gather.timeout.connect(self.check)

    def _newest(self) -> int:
        try:
            return changes.newest(self.window.catalog)
        except CuratorError:  # an unreadable log (a damaged file): from its start
            return 0

    def start(self) -> None:
        """Listen from now on, and catch up on what came before listening began."""
        try:
            watcher = watching.watch(self.window.catalog)
        except CuratorError as exc:
            self.window.statusBar().showMessage(f"Changes made elsewhere will not show: {exc}")
            return
        self.watching = True
        self.watch_thread = WatchThread(watcher, self)
        self.watch_thread.noticed.connect(self.gather.start)
        self.watch_thread.start()
        self.check()

    def stop(self) -> None:
        """Before the window closes or its catalog is replaced."""
        self.watching = False
        self.gather.stop()
        if self.watch_thread is not None:
            self.watch_thread.stop()
            self.watch_thread = None

    def restart(self) -> None:
        """The catalog's file was replaced (a restore): watch the new one, from its end."""
        self.stop()
        self.seen = self._newest()
        self.start()

    def check(self) -> None:
        """Read what happened since the window last looked; refresh what others touched."""
        if not self.watching:
            return
        catalog = self.window.catalog
        try:
            theirs = watching.theirs(found := changes.since(catalog, self.seen))
            rewound = not found.steps and changes.newest(catalog) < self.seen
        except CuratorError as exc:  # the server away for a moment: the next notice retries
            self.window.statusBar().showMessage(f"Changes made elsewhere: {exc}", 8000)
            return
        if rewound:  # its log ends before what was seen: restored from a backup elsewhere
            self.window.after_restore(
                "The catalog was restored from a backup in another program: "
                "every view shows it as it is now."
            )
            return
        self.seen = found.newest
        if not theirs.steps:
            return
        note = self._refresh(theirs)
        self.window.statusBar().showMessage(f"{theirs.said()}{note}", 15000 if note else 8000)
        self.refreshed.emit(theirs)

    def _refresh(self, theirs: Theirs) -> str:
        """Every view shows what others did; a note if the work being edited was changed."""
        w = self.window
        changed = theirs.works
        note = ""
        if changed:
            note = self._refresh_works(changed)
        elif changed is None:
            w.refresh()
        entry = w.history.selected()
        w.history.refresh()
        if entry is not None:
            w.history.select_entry(entry.id)
        if theirs.venues or changed:
            w.venues.refresh()  # label counts move with the works; hidden: when shown
        w.review.drop_settled(changed)
        w.steps.update()  # the next step to undo may be another's now
        return note

    def _refresh_works(self, changed: frozenset[int]) -> str:
        """The rows of `changed` read again; works the table does not show (new ones): the
        table's ids read again, the rows still read only as they come into view, and the
        duplicate queue scans them against the catalog. The work
        in the editor is read again, unless it holds edits (then a note says so); merged
        away, the work it went into is shown."""
        w = self.window
        editing, edits = w.editor.work, bool(w.editor.changes())
        if len(changed) > MANY or w.searching:
            w.refresh()
            added: Collection[int] = changed  # which are new is not known: each is scanned
        elif added := w.model.refresh_works(changed):
            w.refresh()
        w.review.scan_added(added)
        if added:
            return ""
        w.update_counts()
        if editing is None or editing.id not in changed:
            return ""
        gone = w.model.row_of(editing.id) is None
        if edits:  # never overwritten: saving then checks them against theirs
            return (
                f". Work {editing.id}, which you are editing, was "
                f"{'merged away' if gone else 'changed too'}: your edits are kept on screen"
                f"{'' if gone else ', and saving them checks them against that change'}."
            )
        if gone:
            return self._show_merged_into(editing.id, changed)
        try:
            w.editor.show_work(works.work(w.catalog, editing.id))
            w.sources.show_records(works.records(w.catalog, editing.id))
        except CuratorError:  # gone meanwhile: the next notice removes its row
            pass
        return ""

    def _show_merged_into(self, gone: int, changed: frozenset[int]) -> str:
        """The work shown was merged away: show the one it went into (the changed work the
        table still shows)."""
        w = self.window
        into = next((i for i in sorted(changed) if w.model.row_of(i) is not None), None)
        if into is None or not w.select_work(into):
            return ""
        return f". Work {gone}, shown here, is part of work {into} now."
