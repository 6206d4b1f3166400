"""What each change touches decides whether it may be undone past another's later change: every
kind says it precisely, and a kind that says nothing touches everything."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from sqlmodel import Session

from curator.events.base import EVERYTHING, Command, Kept, Payload, shared
from curator.events.registry import COMMANDS, load
from curator.events.who import thing
from tests.conftest import FIXTURES


def _events(tmp_path: Path) -> dict[int, Command[Any]]:
    path = tmp_path / "v6.sqlite"
    shutil.copy(FIXTURES / "catalogs" / "v6-sample.sqlite", path)
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT id, kind, payload FROM event WHERE state IS NOT NULL")
        return {i: load(kind, json.loads(raw)) for i, kind, raw in rows}


def test_every_kind_of_change_says_what_it_touches(tmp_path: Path) -> None:
    events = _events(tmp_path)
    kinds = {c.kind for c in events.values()}
    assert kinds >= {"import", "edit", "merge", "distinct", "related", "venue", "keys"}
    for command in events.values():
        touched = command.touches()
        # an import recorded before it kept the venues, labels and keys it used: all
        assert touched and bool(touched & EVERYTHING) == (command.kind == "import"), command.kind


def _as_recorded_now(command: Command[Any], **used: list[Any]) -> Command[Any]:
    return load(command.kind, {**command.dump(), **used})


def test_an_import_touches_the_venues_labels_and_keys_its_records_use(tmp_path: Path) -> None:
    first_import = _events(tmp_path)[1]
    now = _as_recorded_now(first_import, venues_used=[3], aliases_used=[7], keys=["Smith2020"])
    touched = now.touches()
    assert {("venue", 3), ("alias", 7), ("key", "smith2020")} <= touched
    assert not touched & EVERYTHING


def test_changes_to_other_works_are_independent_and_to_the_same_work_are_not(
    tmp_path: Path,
) -> None:
    events = _events(tmp_path)
    edit, merge, distinct = events[6], events[7], events[8]  # work 3; works 1 and 32; 2 and 34
    assert shared(edit.touches(), merge.touches()) is None
    assert shared(distinct.touches(), merge.touches()) is None
    first_import = _as_recorded_now(events[1], venues_used=[], aliases_used=[], keys=[])
    common = shared(first_import.touches(), merge.touches())
    assert common == ("work", 1) and thing(common) == "work 1"
    auto_merge = events[15]
    assert shared(events[14].touches(), auto_merge.touches()) is not None  # work 5 was merged


def test_a_kind_that_says_nothing_touches_everything() -> None:
    class Opaque(Command[Payload]):
        kind = "opaque"
        payload_type = Payload

        def apply(self, s: Session) -> None: ...

        def revert(self, s: Session) -> Kept | None:
            return None

    assert "opaque" not in COMMANDS
    common = shared(Opaque(Payload()).touches(), frozenset({("work", 1)}))
    assert common is not None and thing(common).startswith("the whole catalog")


def test_a_group_decision_touches_every_pair_s_decision_and_every_work_s_records() -> None:
    from curator.events.decisions import DecidedPair, DecisionPayload, Distinct

    group = Distinct(
        DecisionPayload(
            kind="distinct", works=[1, 32], fp=["f1", "f32"],
            more=[DecidedPair(works=[1, 48], fp=["f1", "f48"]),
                  DecidedPair(works=[32, 48], fp=["f32", "f48"])],
        )
    )  # fmt: skip
    assert group.touches() == {
        ("decision", ("f1", "f32")), ("decision", ("f1", "f48")), ("decision", ("f32", "f48")),
        ("records", 1), ("records", 32), ("records", 48),
    }  # fmt: skip
    one_pair = load("distinct", {"kind": "distinct", "works": [48, 7], "fp": ["f48", "f7"]})
    assert shared(group.touches(), one_pair.touches()) == ("records", 48)
    other = load("distinct", {"kind": "distinct", "works": [2, 7], "fp": ["f2", "f7"]})
    assert shared(group.touches(), other.touches()) is None
    assert load("distinct", group.dump()).touches() == group.touches()


def test_the_keys_an_export_gave_share_the_key_column_with_a_merge_of_that_work(
    tmp_path: Path,
) -> None:
    """Undoing a merge writes its works' key columns back: it shares them with the keys an
    export gave the merged work, named as such."""
    events = _events(tmp_path)
    merge = events[7]  # works 1 and 32
    keys = load("keys", {"keys": {1: "given2020"}})
    common = shared(merge.touches(), keys.touches())
    assert common == ("key of", 1)
    assert shared(load("keys", {"keys": {2: "other2020"}}).touches(), merge.touches()) is None
