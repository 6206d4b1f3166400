"""Two librarians on one catalog (two programs, each its own `Catalog`), on a file and on a
server: an edit or merge made on a work someone else changed since it was opened is refused
with who changed it, when, and both values; nothing is lost, nothing half-saved."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from curator.domain.errors import ChangedSinceOpened
from curator.services import decisions, history, review, works
from curator.store import authors
from curator.store.authors import Author
from curator.store.catalog import Catalog, open_catalog
from tests.catalog_state import content, tables_state


@pytest.fixture
def bob(seeded: Catalog, catalog_location: Path | str) -> Iterator[Catalog]:
    """The same catalog, opened by another librarian in a window of his own."""
    other = open_catalog(catalog_location)
    authors.claim(other, Author("bob", authors.WINDOW + "bobs-window"))
    yield other
    other.close()


def test_an_edit_to_another_field_is_saved_beside_theirs(seeded: Catalog, bob: Catalog) -> None:
    opened = works.work(seeded, 1)
    works.edit_work(bob, 1, {"notes": "checked against the proceedings"})
    saved = works.edit_work(seeded, 1, {"year": 1999}, opened=opened)
    assert (saved.year, saved.notes) == (1999, "checked against the proceedings")


def test_an_edit_to_the_same_field_is_refused_with_both_values(
    seeded: Catalog, bob: Catalog
) -> None:
    opened = works.work(seeded, 1)
    works.edit_work(bob, 1, {"title": "Bob's title"})
    before = tables_state(seeded)
    with pytest.raises(ChangedSinceOpened) as refused:
        works.edit_work(seeded, 1, {"title": "My title", "year": 1999}, opened=opened)
    conflict = refused.value
    assert tables_state(seeded) == before  # nothing saved, not even the year
    assert "changed by bob at " in str(conflict) and "(title)" in str(conflict)
    assert [(c.field, c.opened, c.theirs, c.yours) for c in conflict.clashes] == [
        ("title", opened.title, "Bob's title", "My title")
    ]
    assert conflict.kept == {"year": 1999}
    assert conflict.now is not None and conflict.now.title == "Bob's title"
    # the librarian chooses: her title, against the work as it is now
    saved = works.edit_work(seeded, 1, {**conflict.kept, "title": "My title"}, opened=conflict.now)
    assert (saved.title, saved.year) == ("My title", 1999)
    last = history.history(bob)[-1]
    assert (last.summary, last.user) == ("Edit year, title of work 1", authors.user_name())


def test_the_same_value_typed_by_both_is_no_conflict(seeded: Catalog, bob: Catalog) -> None:
    opened = works.work(seeded, 1)
    works.edit_work(bob, 1, {"notes": "same"})
    works.edit_work(bob, 1, {"year": 1999})  # the version moved on twice
    saved = works.edit_work(seeded, 1, {"notes": "same"}, opened=opened)
    assert saved.notes == "same"


def test_an_undo_by_the_other_counts_as_a_change(seeded: Catalog, bob: Catalog) -> None:
    works.edit_work(bob, 1, {"title": "Bob's title"})
    opened = works.work(seeded, 1)
    history.undo(bob)  # the title goes back: what she opened is no longer there
    with pytest.raises(ChangedSinceOpened, match="changed by bob"):
        works.edit_work(seeded, 1, {"title": "Mine"}, opened=opened)


def test_an_edit_of_a_work_merged_away_says_so(seeded: Catalog, bob: Catalog) -> None:
    opened = works.work(seeded, 2)
    decisions.merge(bob, [1, 2], keep=1)
    with pytest.raises(ChangedSinceOpened, match="work 2 was merged away or removed by bob"):
        works.edit_work(seeded, 2, {"notes": "lost?"}, opened=opened)


def test_without_an_opened_work_the_command_line_edits_as_before(
    seeded: Catalog, bob: Catalog
) -> None:
    works.edit_work(bob, 1, {"title": "Bob's title"})
    assert works.edit_work(seeded, 1, {"title": "Mine"}).title == "Mine"


def test_a_merge_of_works_changed_since_shown_is_refused(seeded: Catalog, bob: Catalog) -> None:
    shown = review.compare(seeded, [1, 2])
    works.edit_work(bob, 2, {"title": "Bob's title"})
    with pytest.raises(ChangedSinceOpened, match="work 2 was changed by bob"):
        review.merge(seeded, shown, {})
    assert works.work(seeded, 2).title == "Bob's title"  # both still there, unmerged
    decisions.merge(bob, [1, 2], keep=1)
    with pytest.raises(ChangedSinceOpened, match="merged away or removed by bob"):
        review.merge(seeded, shown, {})


def test_the_merge_checks_versions_as_it_writes(seeded: Catalog, bob: Catalog) -> None:
    """The check inside the write transaction, where no one can write in between."""
    versions = {w.id: w.version for w in review.compare(seeded, [1, 2]).works}
    works.edit_work(bob, 1, {"notes": "bob was here"})
    with pytest.raises(ChangedSinceOpened, match="work 1 was changed by bob"):
        decisions.merge(seeded, [1, 2], versions=versions)


def test_every_update_moves_the_version_on(seeded: Catalog) -> None:
    first = works.work(seeded, 1).version
    works.edit_work(seeded, 1, {"notes": "a"})
    second = works.work(seeded, 1).version
    history.undo(seeded)
    third = works.work(seeded, 1).version
    assert first < second < third  # an undo too: never back to a version already seen


def test_a_merge_of_a_work_merged_away_since_shown_says_by_whom(
    seeded: Catalog, bob: Catalog
) -> None:
    """Found by the team test: the versions are checked before the works are looked up, so a
    work merged away since it was shown is named with who merged it, not as an unknown id."""
    versions = {w.id: w.version for w in review.compare(seeded, [2, 3]).works}
    decisions.merge(bob, [1, 2], keep=1)
    with pytest.raises(ChangedSinceOpened, match="work 2 was merged away or removed by bob"):
        decisions.merge(seeded, [2, 3], versions=versions)


def test_a_merge_that_keeps_each_value_of_the_survivor_still_moves_its_version(
    seeded: Catalog, bob: Catalog
) -> None:
    """Found by the team test: a work that takes in another's records has changed even where
    it keeps every value of its own (works 1 and 2 of the sample), and so has it when that
    merge is undone; a screen that showed it hears who changed it, not a plain refusal."""
    shown = review.compare(seeded, [1, 3])
    opened = works.work(seeded, 1)
    decisions.merge(bob, [1, 2], keep=1)
    merged = works.work(seeded, 1)
    assert merged.record_ids != opened.record_ids
    assert content(merged) | {"record_ids": ()} == content(opened) | {"record_ids": ()}
    assert merged.version > opened.version
    with pytest.raises(ChangedSinceOpened, match="work 1 was changed by bob"):
        review.merge(seeded, shown, {})
    history.undo(bob)
    assert works.work(seeded, 1).version > merged.version
