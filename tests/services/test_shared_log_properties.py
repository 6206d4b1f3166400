"""Random interleavings of two windows editing a few works (notes, citation keys, the other
keys an `ids` field answers to), importing entries (with keys and venue labels others may
also use), renaming a venue, and undoing and redoing their own steps (and, now and then, the
catalog's with `anyone`): every work always holds what the newest done edit of its notes
wrote, whatever order the steps were undone in; no two works answer to one key; every label
on a record is a known venue label; foreign keys hold; a refused undo or redo changes
nothing, and nothing fails but with a plain refusal."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from contextlib import suppress
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from curator.domain.bibfields import key_aliases
from curator.domain.errors import CuratorError
from curator.domain.venues import venue_key
from curator.services import history, importing, venues, works
from curator.services.samples import sample_listing_paths
from curator.store.catalog import Catalog, open_catalog
from tests.catalog_state import tables_state

WORKS = [1, 2, 3]
KEYS = ["k1", "K2"]  # few, so that works and imports compete for them
LABELS = ["ICLR", "Intl Conf Learning Repr"]


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
        self.seed = self._last_event(self.windows[0])  # the sample's import stays

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

    @rule(who=st.sampled_from([0, 1]), work=st.sampled_from(WORKS[:2]), key=st.sampled_from(KEYS))
    def set_key(self, who: int, work: int, key: str) -> None:
        with suppress(CuratorError):  # another work has it: refused, as the editor would
            works.edit_work(self.windows[who], work, {"citation_key": key})

    @rule(who=st.sampled_from([0, 1]), work=st.sampled_from(WORKS), key=st.sampled_from(KEYS))
    def set_ids(self, who: int, work: int, key: str) -> None:
        extra = {} if work == 3 else {"ids": key}  # work 3 drops the keys it answered to
        with suppress(CuratorError):
            works.edit_work(self.windows[who], work, {"extra": extra})

    @rule(who=st.sampled_from([0, 1]), key=st.sampled_from(KEYS), label=st.sampled_from(LABELS))
    def import_entry(self, who: int, key: str, label: str) -> None:
        self.counter += 1
        path = self.folder / f"import-{self.counter}.bib"
        path.write_text(
            f"@inproceedings{{{key},\n  title = {{Entry {self.counter}}},\n"
            f"  booktitle = {{{label}}},\n  year = {{2025}}\n}}\n",
            encoding="utf-8",
        )
        importing.run_to_end(importing.import_files(self.windows[who], [path]))

    @rule(who=st.sampled_from([0, 1]))
    def rename_venue(self, who: int) -> None:
        catalog = self.windows[who]
        named = {v.name: v.id for v in venues.list_venues(catalog)}
        venue = named.get("ICLR") or named.get(LABELS[1])
        if venue is not None:  # to and fro: each new name becomes a label records may use
            with suppress(CuratorError):
                venues.rename(catalog, venue, LABELS[1] if "ICLR" in named else "ICLR")

    @rule(who=st.sampled_from([0, 1]), step=st.sampled_from(["undo", "redo"]), anyone=st.booleans())
    def undo_or_redo(self, who: int, step: str, anyone: bool) -> None:
        catalog = self.windows[who]
        newest_done = [e for e in history.history(catalog) if e.state == "done"][-1]
        if anyone and step == "undo" and newest_done.id <= self.seed:
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

    @invariant()
    def no_two_works_answer_to_one_key(self) -> None:
        with sqlite3.connect(self.windows[0].path) as conn:
            rows = conn.execute("SELECT citation_key, json_extract(extra, '$.ids') FROM work")
            keys = [
                k.casefold()
                for key, ids in rows
                for k in [key or "", *key_aliases({"ids": ids or ""})]
                if k
            ]
        assert len(keys) == len(set(keys)), keys

    @invariant()
    def every_record_label_is_known_and_foreign_keys_hold(self) -> None:
        with sqlite3.connect(self.windows[0].path) as conn:
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            known = {key for (key,) in conn.execute("SELECT label_key FROM venuealias")}
            rows = conn.execute("SELECT venue_label FROM sourcerecord WHERE venue_label != ''")
            assert {venue_key(label) for (label,) in rows if label} <= known


TwoWindows.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_two_windows = TwoWindows.TestCase
