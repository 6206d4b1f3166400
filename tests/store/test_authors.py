"""Every write knows who makes it: the window that claimed its catalog, else the user's command
line; a second catalog object on the same file is a session of its own."""

from __future__ import annotations

import getpass

import pytest

from curator.store import authors
from curator.store.authors import Author
from curator.store.catalog import Catalog, open_catalog


def test_a_catalog_is_the_command_line_s_until_a_window_claims_it(catalog: Catalog) -> None:
    cli = authors.command_line()
    assert cli.session == f"cli:{authors.host()}" and not cli.in_window
    with catalog.write() as s:
        assert authors.author_in(s) == cli
    window = authors.new_window()
    authors.claim(catalog, window)
    assert window.in_window and window != authors.new_window()
    with catalog.write() as s:
        assert authors.author_in(s) == window
    with catalog.read() as s:
        assert authors.author_in(s) == window
    assert authors.author_of(catalog) == window


def test_two_catalog_objects_on_one_file_are_two_sessions(catalog: Catalog) -> None:
    other = open_catalog(catalog.address)
    try:
        a, b = authors.new_window(), authors.new_window()
        authors.claim(catalog, a)
        authors.claim(other, b)
        with catalog.write() as s1, other.read() as s2:
            assert (authors.author_in(s1), authors.author_in(s2)) == (a, b)
    finally:
        other.close()


def test_the_claim_outlives_a_renewed_connection_pool(catalog: Catalog) -> None:
    window = authors.new_window()
    authors.claim(catalog, window)
    with catalog.read() as s:
        s.get_bind().engine.dispose()  # what a restore or a reconnect may do
    with catalog.write() as s:
        assert authors.author_in(s) == window


def test_the_claim_outlives_a_restore_s_fresh_engine(catalog: Catalog) -> None:
    """File › Backups › Restore reopens the catalog object on a new engine: the window that
    claimed it still writes as itself."""
    window = authors.new_window()
    authors.claim(catalog, window)
    catalog.reopen()
    with catalog.write() as s:
        assert authors.author_in(s) == window
    with catalog.read() as s:
        assert authors.author_in(s) == window


def test_a_user_without_a_login_name_is_named_by_uid(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_name() -> str:
        raise OSError("no login name")

    monkeypatch.setattr(getpass, "getuser", no_name)
    assert authors.user_name().startswith("uid ")
    monkeypatch.setattr(getpass, "getuser", lambda: "bob")
    assert authors.command_line() == Author("bob", f"cli:{authors.host()}")


def test_a_configured_name_signs_the_steps(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(authors.NAME_VARIABLE, "  Ada Lovelace ")
    assert authors.user_name() == "Ada Lovelace"
    assert authors.author_of(catalog).user == "Ada Lovelace"
    monkeypatch.setenv(authors.NAME_VARIABLE, " ")  # blank: the login name, as before
    assert authors.user_name() == getpass.getuser()
