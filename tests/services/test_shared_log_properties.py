"""Random interleavings of two windows editing a few works and undoing and redoing their own
steps (and, now and then, the catalog's with `anyone`): every work always holds what the newest
done edit of it wrote, whatever order the steps were undone in, and a refused undo or redo
changes nothing."""

from __future__ import annotations

import shutil
import tempfile
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from curator.domain.errors import CuratorError
from curator.services import history, importing, works
from curator.services.samples import sample_listing_paths
from curator.store.catalog import Catalog, open_catalog
from tests.catalog_state import tables_state

WORKS = [1, 2, 3]


@cache
def _seeded_file() -> Path:
    """The sample imported once; each example starts from a copy."""
    path = Path(tempfile.mkdtemp(prefix="curator-shared-")) / "seed.sqlite"
    catalog = open_catalog(path)
    importing.run_to_end(importing.import_files(catalog, sample_listing_paths()[:1]))
    catalog.close()
    return path


class TwoWindows(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="curator-two-"))
        path = self.folder / "catalog.sqlite"
        shutil.copy(_seeded_file(), path)
        self.windows = [open_catalog(path), open_catalog(path)]
        for catalog in self.windows:
            history.open_window_session(catalog)
        self.wrote: dict[int, tuple[int, str]] = {}  # edit event -> (work, notes it wrote)
        self.counter = 0

    def teardown(self) -> None:
        for catalog in self.windows:
            catalog.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _last_event(self, catalog: Catalog) -> int:
        return max(e.id for e in history.history(catalog, newest=1))

    @rule(who=st.sampled_from([0, 1]), work=st.sampled_from(WORKS))
    def edit(self, who: int, work: int) -> None:
        self.counter += 1
        text = f"edit {self.counter} by window {who}"
        catalog = self.windows[who]
        works.edit_work(catalog, work, {"notes": text})
        self.wrote[self._last_event(catalog)] = (work, text)

    @rule(who=st.sampled_from([0, 1]), step=st.sampled_from(["undo", "redo"]), anyone=st.booleans())
    def undo_or_redo(self, who: int, step: str, anyone: bool) -> None:
        catalog = self.windows[who]
        newest_done = [e for e in history.history(catalog) if e.state == "done"][-1]
        if anyone and step == "undo" and newest_done.kind == "import":
            return  # the sample stays: the edits need its works
        before = tables_state(catalog)
        try:
            (history.undo if step == "undo" else history.redo)(catalog, anyone=anyone)
        except CuratorError:
            assert tables_state(catalog) == before

    @invariant()
    def each_work_holds_what_its_newest_done_edit_wrote(self) -> None:
        catalog = self.windows[0]
        done = {e.id for e in history.history(catalog) if e.state == "done"}
        for work in WORKS:
            edits = [event for event, (w, _) in self.wrote.items() if w == work and event in done]
            expected = self.wrote[max(edits)][1] if edits else None
            assert works.work(catalog, work).notes == expected, work


TwoWindows.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_two_windows = TwoWindows.TestCase
