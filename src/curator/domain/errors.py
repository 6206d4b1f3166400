"""Errors a librarian can act on, kept apart from bugs: each carries a plain message."""

from __future__ import annotations


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
