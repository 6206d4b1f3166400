"""A program watching its catalog wakes when another program commits a change (a server's
notice; a file's version), never on its own clock; what changed is then read from the log.
Each test runs on a file and on a server database."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import psycopg
import pytest

from curator.domain.errors import CuratorError
from curator.services import changes, decisions, history, venues, watching, works
from curator.store import server
from curator.store.catalog import Catalog, open_catalog
from curator.store.watching import ServerWatcher

HANG = 600.0  # seconds: only a real hang reaches it


@pytest.fixture
def two(seeded: Catalog) -> Iterator[tuple[Catalog, Catalog]]:
    """The catalog as two programs have it open: `mine` watches, `other` writes."""
    mine, other = seeded, open_catalog(seeded.address)
    history.open_window_session(mine)
    history.open_window_session(other)
    yield mine, other
    other.close()


@pytest.fixture
def watcher(two: tuple[Catalog, Catalog]) -> Iterator[watching.Watcher]:
    found = watching.watch(two[0])
    yield found
    found.close()


def test_nothing_committed_wakes_nobody(
    two: tuple[Catalog, Catalog], watcher: watching.Watcher
) -> None:
    assert watcher.wait(0) is False


def test_another_programs_edit_wakes_the_watcher_and_names_the_work(
    two: tuple[Catalog, Catalog], watcher: watching.Watcher
) -> None:
    mine, other = two
    seen = changes.newest(mine)
    work = works.rows(mine)[0]
    works.edit_work(other, work.id, {"title": "Seen from afar"})

    assert watcher.wait(HANG) is True
    theirs = watching.theirs(changes.since(mine, seen))
    assert theirs.works == {work.id} and not theirs.venues
    assert [s.by for s in theirs.steps] == ["another window"]
    assert theirs.said().startswith("Edit") and "by another window" in theirs.said()


def test_a_merge_names_every_work_and_own_steps_are_left_out(
    two: tuple[Catalog, Catalog], watcher: watching.Watcher
) -> None:
    mine, other = two
    seen = changes.newest(mine)
    a, b, c = (r.id for r in works.rows(mine)[:3])
    works.edit_work(mine, c, {"title": "My own"})  # this program's: not theirs
    outcome = decisions.merge(other, [a, b])

    assert watcher.wait(HANG) is True
    found = changes.since(mine, seen)
    theirs = watching.theirs(found)
    assert theirs.works == {a, b} and outcome.survivor in {a, b}
    assert len(theirs.steps) == 1 and len(found.steps) == 2
    assert found.newest == changes.newest(mine)


def test_a_venue_renamed_elsewhere_is_the_venues_views(
    two: tuple[Catalog, Catalog], watcher: watching.Watcher
) -> None:
    mine, other = two
    seen = changes.newest(mine)
    venue = venues.list_venues(mine)[0]
    venues.rename(other, venue.id, venue.name + " (renamed)")

    assert watcher.wait(HANG) is True
    assert watching.theirs(changes.since(mine, seen)).venues


def test_stop_wakes_a_waiting_watcher_at_once(watcher: watching.Watcher) -> None:
    answers: list[bool] = []
    waiting = threading.Thread(target=lambda: answers.append(watcher.wait(HANG)))
    waiting.start()
    watcher.stop()
    waiting.join(HANG)
    assert answers == [False]
    assert watcher.wait(HANG) is False  # stopped for good: never blocks again


@pytest.mark.server_only
def test_a_lost_server_connection_is_made_again_and_says_changed(
    two: tuple[Catalog, Catalog], watcher: watching.Watcher
) -> None:
    """The server ended the watcher's connection (a restart): it connects again, and says
    "changed", since notices sent meanwhile reached nobody."""
    mine, other = two
    assert isinstance(watcher, ServerWatcher) and mine.url is not None
    with server.connect(mine.url) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND query LIKE 'LISTEN %'"
        )
    assert watcher.wait(HANG) is True  # listening again, and telling so
    works.edit_work(other, works.rows(mine)[0].id, {"title": "After the restart"})
    assert watcher.wait(HANG) is True


@pytest.mark.server_only
def test_a_server_that_cannot_be_reached_is_said_in_words(pg_database: str) -> None:
    url = server.url_of(pg_database).set(database="no_such_catalog")
    with pytest.raises(CuratorError, match="no such database") as refused:
        ServerWatcher(url)
    assert not isinstance(refused.value.__cause__, CuratorError)
    assert isinstance(refused.value.__cause__, psycopg.Error)
