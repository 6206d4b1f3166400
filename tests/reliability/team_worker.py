"""One librarian of the team test (test_team_server.py), in a process of its own on a server
catalog: random edits, merges, undos and redos made as a window makes them, each outcome one
JSON line. A conflict (any `CuratorError`) is reported and the work goes on; anything else is
a bug, and ends the process with its traceback.

`python -m tests.reliability.team_worker URL N SEED OPS OUT`: it opens the catalog, says
"ready" on stdout, waits for a line on stdin (so that every librarian starts at once), then
writes its OPS outcomes to OUT.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from curator.domain.catalog import WorkView
from curator.domain.errors import ChangedSinceOpened, CuratorError
from curator.services import decisions, history, review, works
from curator.services.review import Comparison
from curator.store import authors
from curator.store.authors import Author
from curator.store.catalog import Catalog, open_catalog

HOT = 15  # the works edited (1 to 15): few, so that the librarians meet on them
STALE = 0.6  # how often an edit or merge goes by the work as shown earlier, not read again
REFRESH = 0.3  # how often the window's table lists the works again before a step
# What a librarian does, and how often: a merge from the review screen (the pair on screen,
# maybe since an earlier step) or by ids with the versions shown; a redo comes mostly right
# after an undo (REDO_AFTER_UNDO), as a librarian changes her mind.
KINDS = {"edit": 60, "review-merge": 5, "merge": 5, "undo": 25, "redo": 5}
REDO_AFTER_UNDO = 0.4
KEEP_OTHER = 0.2  # how often a merge by ids keeps the other work, taking the hot one away


def name(n: int) -> str:
    return f"librarian-{n}"


def session(n: int) -> str:
    return f"{authors.WINDOW}team-{n}"


class Librarian:
    """One window on the catalog: the works it shows (as they were when read, or as its own
    saves left them) and the pair on its review screen."""

    def __init__(self, catalog: Catalog, n: int, seed: int) -> None:
        self.catalog, self.n, self.rng = catalog, n, random.Random(seed)
        self.shown: dict[int, WorkView] = {}
        self.pending: Comparison | None = None
        self.listed: list[int] = []  # the works the catalog table lists, as last read
        self.undid = False  # its last step was an undo
        self.actions: dict[str, Callable[[int, dict[str, Any]], dict[str, Any]]] = {
            "edit": self.edit,
            "review-merge": self.review_merge,
            "merge": self.merge,
            "undo": self.undo,
            "redo": self.redo,
        }

    def step(self, op: int) -> dict[str, Any]:
        """One random step and its outcome: "ok" (what was acknowledged) or "conflict"."""
        kind = self.rng.choices(list(KINDS), list(KINDS.values()))[0]
        if self.undid and self.rng.random() < REDO_AFTER_UNDO:
            kind = "redo"
        if not self.listed or self.rng.random() < REFRESH:
            self.listed = list(works.ordered_ids(self.catalog))
        args: dict[str, Any] = {}
        line: dict[str, Any] = {"proc": self.n, "op": op, "kind": kind, "args": args}
        try:
            line["ok"] = self.actions[kind](op, args)
        except CuratorError as exc:
            line["conflict"] = reported(exc)
            if isinstance(exc, ChangedSinceOpened):  # the window shows the work as it is now
                self.shown.pop(exc.work_id, None)
                if exc.now is not None:
                    self.shown[exc.work_id] = exc.now
        self.undid = kind == "undo" and "ok" in line
        return line

    # --- what the window shows ------------------------------------------------------------

    def opened(self, work: int) -> tuple[WorkView, bool]:
        """The work as the window shows it: as read earlier (maybe stale), or read now."""
        if work in self.shown and self.rng.random() < STALE:
            return self.shown[work], True
        self.shown[work] = works.work(self.catalog, work)
        return self.shown[work], False

    def changed_here(self, ids: set[int] | None) -> None:
        """Its own step changed these works (None: any, an undo or redo): the window shows
        them again as they are, never as they were before its own change."""
        if ids is None:
            self.shown.clear()
            self.pending = None
            return
        for work in ids:
            self.shown.pop(work, None)
        if self.pending is not None and ids & {w.id for w in self.pending.works}:
            self.pending = None

    def pair(self) -> list[int]:
        """A hot work and another listed (not hot while any is left), as a duplicate
        candidate: merged, the hot one stays as a rule (the older one, unless the other holds
        more records), so that the hot works last through the run."""
        hot = [w for w in self.listed if w <= HOT]
        if not hot or len(self.listed) < 2:
            raise CuratorError("fewer than two works left to merge")
        first = self.rng.choice(hot)
        others = [w for w in self.listed if w > HOT] or [w for w in hot if w != first]
        return [first, self.rng.choice(others)]

    # --- the steps --------------------------------------------------------------------------

    def edit(self, op: int, args: dict[str, Any]) -> dict[str, Any]:
        work = self.rng.choice([w for w in self.listed if w <= HOT] or [1])
        changes = self.changes(f"p{self.n}-op{op}")
        args.update(work=work, changes=changes)
        opened, stale = self.opened(work)
        saw = {f: getattr(opened, f) for f in changes}  # what the window showed
        args.update(version=opened.version, stale=stale, saw=saw)
        saved = works.edit_work(self.catalog, work, changes, opened=opened)
        self.changed_here({work})
        self.shown[work] = saved
        return {"version": saved.version}

    def changes(self, tag: str) -> dict[str, Any]:
        """What an edit types: values no one else types (`tag`), so each can be traced."""
        kind = self.rng.randrange(3)
        if kind == 0:
            return {"notes": tag}
        if kind == 1:
            return {"title": f"Title {tag}"}
        return {"year": self.rng.randint(1950, 2030), "notes": tag}

    def merge(self, op: int, args: dict[str, Any]) -> dict[str, Any]:
        """Merge two works by ids, with the versions the window showed them at."""
        ids = self.pair()
        keep = ids[1] if self.rng.random() < KEEP_OTHER else None
        args.update(ids=ids, keep=keep)
        versions = {w: self.opened(w)[0].version for w in ids}
        args.update(versions={str(w): v for w, v in versions.items()})
        done = decisions.merge(self.catalog, ids, keep=keep, versions=versions)
        return self.merged(done)

    def review_merge(self, op: int, args: dict[str, Any]) -> dict[str, Any]:
        """Merge the pair on the review screen (shown in an earlier step, or now) with the
        default picks; then show the next pair, if both its works are still there."""
        comparison, self.pending = self.pending, None
        args.update(stale=comparison is not None)
        try:
            if comparison is None:
                comparison = review.compare(self.catalog, self.pair())
            args.update(ids=[w.id for w in comparison.works])
            return self.merged(review.merge(self.catalog, comparison, {}))
        finally:
            self.show_next()

    def show_next(self) -> None:
        if self.rng.random() < 0.5:
            return
        try:
            self.pending = review.compare(self.catalog, self.pair())
        except CuratorError:  # merged away meanwhile, or too few left: nothing shown
            self.pending = None

    def merged(self, done: decisions.MergeOutcome) -> dict[str, Any]:
        self.changed_here({done.survivor, *done.absorbed})
        return {"event": done.event_id, "survivor": done.survivor, "absorbed": done.absorbed}

    def undo(self, op: int, args: dict[str, Any]) -> dict[str, Any]:
        summary = history.undo(self.catalog)
        self.changed_here(None)
        return {"summary": summary}

    def redo(self, op: int, args: dict[str, Any]) -> dict[str, Any]:
        summary = history.redo(self.catalog)
        self.changed_here(None)
        return {"summary": summary}


def reported(exc: CuratorError) -> dict[str, Any]:
    """A refusal as the librarian was told it, with what a conflict says about the other."""
    found: dict[str, Any] = {"error": type(exc).__name__, "message": str(exc)}
    if isinstance(exc, ChangedSinceOpened):
        found.update(
            work=exc.work_id, by=exc.by, gone=exc.gone, clashes=[c.field for c in exc.clashes]
        )
    return found


def run(url: str, n: int, seed: int, ops: int, out: TextIO) -> None:
    catalog = open_catalog(url)
    try:
        authors.claim(catalog, Author(name(n), session(n)))
        librarian = Librarian(catalog, n, seed)
        print("ready", flush=True)
        if not sys.stdin.readline():  # every librarian starts on the test's word
            return  # the test ended before giving it
        for op in range(ops):
            out.write(json.dumps(librarian.step(op)) + "\n")
            out.flush()
    finally:
        catalog.close()


def main(argv: list[str]) -> int:
    url, n, seed, ops, path = argv
    with Path(path).open("w", encoding="utf-8") as out:
        run(url, int(n), int(seed), int(ops), out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
