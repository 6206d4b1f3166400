"""Errors a librarian can act on, kept apart from bugs: each carries a plain message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from curator.domain.clock import local

if TYPE_CHECKING:
    from curator.domain.catalog import WorkView


class CuratorError(Exception):
    """A problem with the user's input or environment, shown as a one-line message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UnrecognisedListingError(CuratorError):
    """A file matches none of the listing styles curator can read. The message is the
    command line's (it names `--format`); a window words its own from the fields: `detail`
    (what was wrong) and `choices` (style name -> label: the styles the librarian may read
    the file as; none for an empty or binary file)."""

    def __init__(
        self,
        source: str,
        tried: list[str],
        detail: str = "",
        choices: dict[str, str] | None = None,
    ) -> None:
        styles = ", ".join(tried)
        extra = f" ({detail})" if detail else ""
        super().__init__(
            f"{source}: not a listing curator can read{extra}; styles tried: {styles}. "
            "Use --format to force one."
        )
        self.source = source
        self.tried = tried
        self.detail = detail
        self.choices = dict(choices or {})


class ValidationError(CuratorError):
    """A value a librarian typed that cannot be stored as it is."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class NotFoundError(CuratorError):
    """An id that names nothing in the catalog."""


class DamagedCatalogError(CuratorError):
    """A catalog file SQLite reports damaged: it is read, never written, until restored. The
    way out (its newest backup) is added by the window or the command line, which know it."""

    def __init__(self, path: object, problem: str) -> None:
        super().__init__(f"{path} is damaged (SQLite: {problem}). Nothing will be written to it.")
        self.path = path
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Clash:
    """A field two people changed: as one opened it, as the other left it, as the first typed."""

    field: str
    opened: Any
    theirs: Any
    yours: Any


class ChangedSinceOpened(CuratorError):
    """Someone else changed a work (or merged it away) after it was opened here: a save that
    would overwrite their change is refused, and says whose it was, when, and both values.

    `by` names the maker as a step's credit does ("by bob", "from the command line").
    `clashes` are the fields both changed (none when the work is `gone`); `now` is the work as
    it is now, to save again against once the librarian has chosen; `kept` are the opener's
    changes to fields nobody else touched, saved with the choice."""

    def __init__(
        self,
        work_id: int,
        by: str,
        at: datetime | None,
        clashes: tuple[Clash, ...] = (),
        now: WorkView | None = None,
        kept: dict[str, Any] | None = None,
    ) -> None:
        when = f" at {local(at).strftime('%H:%M')}" if at else ""
        if now is None:
            told = f"work {work_id} was merged away or removed {by}{when} since you opened it"
        else:
            fields = f" ({', '.join(c.field for c in clashes)})" if clashes else ""
            told = f"work {work_id} was changed {by}{when} since you opened it{fields}"
        super().__init__(told)
        self.work_id = work_id
        self.by = by
        self.at = at
        self.clashes = clashes
        self.now = now
        self.kept = dict(kept or {})

    @property
    def gone(self) -> bool:
        return self.now is None
