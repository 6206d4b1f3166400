"""Who made a step, in the words of the session asking: "this window", "another window", "an
earlier window of yours" (one closed before this window opened, or at least older), "the
command line", "bob", or "earlier" for steps made before the log recorded who made them."""

from __future__ import annotations

from typing import Any

from curator.store import authors
from curator.store.authors import Author

EARLIER = "earlier"


def who(user: str | None, session: str | None, me: Author, event_id: int | None = None) -> str:
    """The maker of a row (its `author` and `session`, and its id `event_id`) as `me` would
    name it. A step of the same user's from a window other than `me`, made before `me` opened
    (`Author.since`), is an earlier window's: after a restart, one's own steps of yesterday."""
    if user is None or session is None:
        return EARLIER
    if user != me.user:
        return user
    window = session.startswith(authors.WINDOW)
    if session == me.session:
        return "this window" if window else "the command line"
    if window and not me.in_window:
        return "a window"
    if window:
        earlier = me.since is not None and event_id is not None and event_id <= me.since
        return "an earlier window of yours" if earlier else "another window"
    host = session.removeprefix(authors.COMMAND_LINE)
    return "the command line" if host == authors.host() else f"the command line on {host}"


def credit(words: str) -> str:
    """`who` as it follows a step's name: "by another window", "from the command line"."""
    if words == EARLIER:
        return EARLIER
    if words.startswith("the command line"):
        return f"from {words}"
    return f"by {words}"


def thing(token: tuple[str, Any]) -> str:
    """What two changes both touched (`Command.touches`), in words."""
    kind, *ids = token
    words = {
        "work": "work",
        "venue": "venue",
        "alias": "venue label",
        "batch": "import batch",
        "rejection": "venue rejection",
    }
    if kind in words:
        return f"{words[kind]} {ids[0]}"
    if kind == "records":
        return f"the records of work {ids[0]}"
    if kind == "key":
        return f"the citation key {ids[0]}"
    if kind == "decision":
        return "a decision on the same pair of works"
    # a kind that does not say what it touches, or an import recorded before imports did
    return (
        "the whole catalog, as far as curator can tell "
        "(one of the two does not say what it touched)"
    )
