"""Who makes a change: the user's login name and the session, written on every row of the
event log so that, in a catalog open in several programs, undo can offer each its own steps.

A session is one window (a fresh id each time a window opens a catalog) or the user's
command line on this machine: every `curator` command of one user on one host is one session,
so `curator edit …` then `curator undo` undoes that edit although each ran in a process of its
own. A catalog is the command line's unless a window claims it (`claim`).

The catalog carries its author (`Catalog.author`) and puts it in the `info` of every session
it hands out, where the event log finds it: it survives a restore's fresh engine and does not
depend on pools or threads.
"""

from __future__ import annotations

import getpass
import os
import socket
import uuid
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from sqlmodel import Session

if TYPE_CHECKING:
    from curator.store.catalog import Catalog

WINDOW, COMMAND_LINE = "window:", "cli:"
AUTHOR = "curator_author"  # the key of a session's `info` that holds who writes with it


@dataclass(frozen=True, slots=True)
class Author:
    """The user, and which of their programs: `session` is "window:<id>" or "cli:<host>"."""

    user: str
    session: str
    since: int | None = None  # a window: the newest event when it opened (older: not its own)

    @property
    def in_window(self) -> bool:
        return self.session.startswith(WINDOW)


NAME_VARIABLE = "CURATOR_USER"  # a name to sign steps with, instead of the login name


def user_name() -> str:
    """The name set in CURATOR_USER (a team whose librarians share a login, or who prefer
    their full names in the history), else the login name; a system without one (a container
    with an unknown uid) gets its uid."""
    configured = os.environ.get(NAME_VARIABLE, "").strip()
    if configured:
        return configured
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


def new_window(since: int | None = None) -> Author:
    """A window opened when `since` was the newest event: the same user's window steps up to
    it were made by an earlier window (of a past run, as a rule)."""
    return Author(user_name(), WINDOW + uuid.uuid4().hex, since)


def claim(catalog: Catalog, author: Author) -> None:
    """From now on, changes written through `catalog` are `author`'s."""
    catalog.author = author


def author_of(catalog: Catalog) -> Author:
    return catalog.author or command_line()


def author_in(session: Session) -> Author:
    """Who writes through `session`: the author of the catalog that handed it out."""
    author = session.info.get(AUTHOR)
    return author if isinstance(author, Author) else command_line()
