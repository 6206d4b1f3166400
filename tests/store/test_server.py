"""A catalog on a PostgreSQL server: its address shown without a password, writers one at a
time and readers never blocked, and the server's faults in plain words."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import text

from curator.domain.errors import CuratorError
from curator.store import server
from curator.store.catalog import Catalog, open_catalog
from curator.store.writes import insert_works
from tests.postgres import USER, Server

pytestmark = pytest.mark.server_only


def _work(title: str) -> dict[str, object]:
    return {"title": title, "authors": ["Ada Lovelace"], "authors_incomplete": False}


@pytest.fixture
def other(catalog: Catalog) -> Iterator[Catalog]:
    """The same catalog opened a second time, as another program would."""
    second = open_catalog(catalog.address)
    yield second
    second.close()


def test_a_server_catalog_says_where_it_is_without_a_password(pg_server: Server) -> None:
    url = pg_server.url("db").replace(f"{USER}@", f"{USER}:s3cret@")
    shown = server.display(server.url_of(url + "&password=s3cret2"))
    assert "s3cret" not in shown
    assert shown.startswith(f"postgresql://{USER}@/db?host={pg_server.root}")


def test_a_server_catalog_has_no_file(catalog: Catalog) -> None:
    assert catalog.is_server
    with pytest.raises(CuratorError, match=r"database server, not a file.*pg_dump"):
        _ = catalog.path


def test_only_psycopg_addresses_are_taken() -> None:
    with pytest.raises(CuratorError, match="psycopg 3"):
        open_catalog("postgresql+psycopg2://u@h/db")
    with pytest.raises(CuratorError, match="names no database"):
        open_catalog("postgresql://u@h")


def test_a_writer_waits_for_the_other_and_then_sees_its_write(
    catalog: Catalog, other: Catalog, pg_server: Server
) -> None:
    """Writers are serial: the second one's reads come after the first one's commit, so a
    read-then-write (the next id, a count) never acts on what another writer changed."""
    seen: list[int] = []
    failed: list[BaseException] = []

    def second_writer() -> None:
        try:
            with other.write() as s:
                seen.append(s.execute(text("SELECT count(*) FROM work")).scalar_one())
                insert_works(s, [_work("second")])
        except BaseException as exc:
            failed.append(exc)

    with catalog.write() as s:
        insert_works(s, [_work("first")])
        thread = threading.Thread(target=second_writer)
        thread.start()
        _wait_until_a_writer_waits(pg_server, catalog.name)
        with other.read() as r:  # readers are never blocked, and see only what is committed
            assert r.execute(text("SELECT count(*) FROM work")).scalar_one() == 0
    thread.join()
    assert not failed and seen == [1]
    with catalog.read() as s:
        assert s.execute(text("SELECT title FROM work ORDER BY id")).scalars().all() == [
            "first",
            "second",
        ]


def _wait_until_a_writer_waits(pg_server: Server, database: str) -> None:
    """Until a connection of `database` waits for the write lock (no clock: a hang ends only
    with the test run's own timeout)."""
    query = (
        "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
        "WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = %s"
    )
    with psycopg.connect(pg_server.dsn("postgres"), autocommit=True) as conn:
        while not conn.execute(query, (database,)).fetchone()[0]:  # type: ignore[index]
            conn.execute("SELECT pg_sleep(0.01)")


def test_a_writer_that_waits_too_long_is_told_the_catalog_is_busy(
    catalog: Catalog, other: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server, "LOCK_WAIT", "1ms")
    with catalog.write() as s:
        insert_works(s, [_work("long import")])
        with (
            pytest.raises(CuratorError, match="busy: another program is writing"),
            other.write() as t,
        ):
            insert_works(t, [_work("meanwhile")])
    with catalog.read() as s:
        assert s.execute(text("SELECT count(*) FROM work")).scalar_one() == 1


def test_every_connection_stores_utc_and_compiles_no_plan(catalog: Catalog) -> None:
    with catalog.read() as r:
        assert r.execute(text("SHOW TimeZone")).scalar_one() == "UTC"
        assert r.execute(text("SHOW jit")).scalar_one() == "off"


def test_a_read_is_one_snapshot(catalog: Catalog, other: Catalog) -> None:
    with catalog.read() as r:
        assert r.execute(text("SELECT count(*) FROM work")).scalar_one() == 0
        with other.write() as s:
            insert_works(s, [_work("committed meanwhile")])
        assert r.execute(text("SELECT count(*) FROM work")).scalar_one() == 0
    with catalog.read() as r:
        assert r.execute(text("SELECT count(*) FROM work")).scalar_one() == 1


def test_the_server_faults_a_user_can_act_on_are_said_plainly(
    pg_server: Server, tmp_path: object
) -> None:
    base = f"host={pg_server.root}&port={pg_server.port}"
    cases = {
        f"postgresql://{USER}@/no_such_db?{base}": "no such database; create it first",
        f"postgresql://nobody@/postgres?{base}": "refused the login",
        f"postgresql://{USER}@/db?host={tmp_path}&port=1": "cannot connect to the server",
    }
    for address, said in cases.items():
        with pytest.raises(CuratorError, match=said) as caught:
            open_catalog(address)
        assert "Traceback" not in str(caught.value)


def test_a_server_catalog_survives_a_restart_of_its_connections(
    catalog: Catalog, pg_server: Server
) -> None:
    """Connections the server ended (a restart, an administrator) are replaced, not errors."""
    with catalog.write() as s:
        insert_works(s, [_work("before")])
    pg_server.execute(
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{catalog.name}'"
    )
    with catalog.read() as s:
        assert s.execute(text("SELECT count(*) FROM work")).scalar_one() == 1


def test_no_secret_of_the_address_is_shown(pg_server: Server) -> None:
    """libpq takes a client key's password (sslpassword) in the address too."""
    url = pg_server.url("db") + "&sslpassword=k3y&sslkey=/x/key.pem"
    shown = server.display(server.url_of(url))
    assert "k3y" not in shown and "sslkey=/x/key.pem" in shown
    with pytest.raises(CuratorError, match="not a database address") as caught:
        server.url_of("postgresql://u:s3cret@h:port/db")
    assert "s3cret" not in str(caught.value)


def test_opening_a_current_catalog_never_waits_for_a_writer(
    catalog: Catalog, pg_server: Server
) -> None:
    """Another program's long write (an import) does not stop a catalog being opened: a
    current schema is only read, as a current file's is."""
    with catalog.write() as s:
        insert_works(s, [_work("long import")])
        opened: list[Catalog] = []
        opener = threading.Thread(target=lambda: opened.append(open_catalog(catalog.address)))
        opener.start()
        opener.join(timeout=5)
        waited = opener.is_alive()
    opener.join()
    for second in opened:
        second.close()
    assert not waited
