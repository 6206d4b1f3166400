"""Random sequences of import, merge, unmerge, edit, undo and redo: after every step, undo and
redo bring back exactly the catalog that was there (every table, row by row), and unmerge gives
each work back exactly as it was before its merge. Ids are never handed out twice."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
)

from curator.domain.errors import CuratorError
from curator.services import decisions, history, importing, works
from curator.services.samples import sample_listing_paths
from curator.store.catalog import open_catalog
from tests.catalog_state import tables_state

State = dict[str, list[tuple[object, ...]]]
SEEDS = sample_listing_paths()


def _work_rows(state: State, ids: list[int]) -> dict[int, tuple[object, ...]]:
    """Works by id, without updated_at (an unmerge may not keep the second it ran)."""
    return {row[0]: row for row in state["work"] if row[0] in ids}


class EventLog(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="curator-log-"))
        self.catalog = open_catalog(self.folder / "catalog.sqlite")
        self.undo_stack: list[State] = []  # the catalog before each step in effect
        self.redo_stack: list[State] = []  # the catalog after each step undone
        self.before_merge: dict[int, tuple[list[int], State]] = {}  # merge event -> works, state
        self.max_seen = 0  # the highest work id ever seen

    def teardown(self) -> None:
        self.catalog.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- steps ------------------------------------------------------------------------------
    def _change(self, make) -> object:  # type: ignore[no-untyped-def]
        before = tables_state(self.catalog)
        steps = history.count(self.catalog)
        try:
            result = make()
        except CuratorError:  # refused with a message: nothing may have changed
            assert tables_state(self.catalog) == before
            return None
        if history.count(self.catalog) == steps:  # nothing to do (a value it already had)
            assert tables_state(self.catalog) == before
            return None
        self.undo_stack.append(before)
        self.redo_stack.clear()
        return result

    def _work_ids(self) -> list[int]:
        return [r.id for r in works.rows(self.catalog)]

    @rule(index=st.integers(min_value=0, max_value=len(SEEDS) - 1))
    def import_a_listing(self, index: int) -> None:
        old = set(self._work_ids())

        def run() -> None:
            done = importing.run_to_end(importing.import_files(self.catalog, [SEEDS[index]]))
            if not done.reports or not done.reports[0].counts["imported"]:
                raise CuratorError("nothing new")  # an unchanged file is no step

        self._change(run)
        new = set(self._work_ids()) - old
        assert not new or min(new) > self.max_seen  # never an id some work ever had

    @precondition(lambda self: len(self._work_ids()) >= 2)
    @rule(data=st.data())
    def merge_some_works(self, data: st.DataObject) -> None:
        ids = self._work_ids()
        picks = data.draw(st.lists(st.sampled_from(ids), min_size=2, max_size=3, unique=True))
        keep = data.draw(st.sampled_from(picks))
        before = tables_state(self.catalog)
        outcome = self._change(lambda: decisions.merge(self.catalog, picks, keep, force=True))
        if outcome is not None:
            self.before_merge[outcome.event_id] = (picks, before)

    @precondition(lambda self: len(self._work_ids()) >= 1)
    @rule(data=st.data(), field=st.sampled_from(["title", "year", "notes", "venue"]))
    def edit_a_work(self, data: st.DataObject, field: str) -> None:
        wid = data.draw(st.sampled_from(self._work_ids()))
        value = {"year": "1999", "title": "Edited", "notes": "seen", "venue": "Typed Venue"}
        self._change(lambda: works.edit_work(self.catalog, wid, {field: value[field]}))

    @precondition(lambda self: any(e.survivor for e in history.history(self.catalog)))
    @rule(data=st.data())
    def unmerge_from_history(self, data: st.DataObject) -> None:
        merges = [e for e in history.history(self.catalog) if e.kind == "merge" and e.survivor]
        entry = data.draw(st.sampled_from(merges))
        restored = self._change(lambda: decisions.unmerge(self.catalog, entry.survivor, entry.id))
        if restored is None:
            return
        picks, before = self.before_merge[entry.id]
        now = tables_state(self.catalog)
        assert _work_rows(now, picks) == _work_rows(before, picks)
        # the works the merge absorbed get their records back; the survivor keeps its own, less
        # any an unmerge of an older merge has given back since (those stay given back)
        absorbed = set(picks) - {entry.survivor}
        owners = {row[0]: row[2] for row in before["sourcerecord"] if row[2] in absorbed}
        assert {row[0]: row[2] for row in now["sourcerecord"] if row[0] in owners} == owners

    @precondition(lambda self: bool(self.undo_stack))
    @rule()
    def undo(self) -> None:
        after = tables_state(self.catalog)
        history.undo(self.catalog)
        assert tables_state(self.catalog) == self.undo_stack.pop()
        self.redo_stack.append(after)

    @precondition(lambda self: bool(self.redo_stack))
    @rule()
    def redo(self) -> None:
        before = tables_state(self.catalog)
        history.redo(self.catalog)
        assert tables_state(self.catalog) == self.redo_stack.pop()
        self.undo_stack.append(before)

    # --- always -------------------------------------------------------------------------------
    @invariant()
    def remember_the_highest_work_id(self) -> None:
        self.max_seen = max([self.max_seen, *self._work_ids()])

    @invariant()
    def next_steps_agree_with_the_model(self) -> None:
        undo_text, redo_text = history.next_steps(self.catalog)
        assert (redo_text is not None) == bool(self.redo_stack)
        if self.undo_stack:
            assert undo_text is not None


EventLog.TestCase.settings = settings(
    max_examples=20,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_event_log = EventLog.TestCase
