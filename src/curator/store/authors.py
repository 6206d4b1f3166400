"""Who makes a change: the user's login name and the session, written on every row of the
event log so that, in a catalog open in several programs, undo can offer each its own steps.

A session is one window (a fresh id each time a window opens a catalog) or the user's
command line on this machine: every `curator` command of one user on one host is one session,
so `curator edit …` then `curator undo` undoes that edit although each ran in a process of its
own. A catalog is the command line's unless a window claims it (`claim`).

The catalog does not carry its author: the event log finds it from the session it writes
with, through the catalog's engine (every session a `Catalog` hands out is bound to its engine
or to an engine sharing its connection pool, even after the pool is renewed).
"""

from __future__ import annotations

import getpass
import os
import socket
import uuid
from dataclasses import dataclass
from functools import cache
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlmodel import Session

from curator.store.catalog import Catalog

WINDOW, COMMAND_LINE = "window:", "cli:"


@dataclass(frozen=True, slots=True)
class Author:
    """The user, and which of their programs: `session` is "window:<id>" or "cli:<host>"."""

    user: str
    session: str

    @property
    def in_window(self) -> bool:
        return self.session.startswith(WINDOW)


def user_name() -> str:
    """The login name; a system without one (a container with an unknown uid) gets its uid."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


@cache
def host() -> str:
    return socket.gethostname() or "localhost"


def command_line() -> Author:
    """The user's command line on this machine: one session across `curator` processes."""
    return Author(user_name(), COMMAND_LINE + host())


def new_window() -> Author:
    return Author(user_name(), WINDOW + uuid.uuid4().hex)


_CLAIMED: WeakKeyDictionary[Catalog, tuple[Engine, Author]] = WeakKeyDictionary()


def claim(catalog: Catalog, author: Author) -> None:
    """From now on, changes written through `catalog` are `author`'s."""
    with catalog.read() as s:  # no query: a session names its engine before it connects
        engine = s.get_bind().engine
    _CLAIMED[catalog] = (engine, author)


def author_of(catalog: Catalog) -> Author:
    claimed = _CLAIMED.get(catalog)
    return claimed[1] if claimed else command_line()


def author_in(session: Session) -> Author:
    """Who writes through `session`: the author of the catalog it belongs to."""
    pool = session.get_bind().engine.pool
    for engine, author in list(_CLAIMED.values()):
        if engine.pool is pool:
            return author
    return command_line()
