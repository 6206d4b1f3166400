"""BibTeX values and @string macros, read within the caps of `limits`: a doubling chain of
macros is rejected at the link that crosses them, in linear time."""

from __future__ import annotations

import re

from curator.domain.normalize import MONTH_NAMES
from curator.importers.limits import (
    EXPANSION_FREE,
    EXPANSION_PER_CHAR,
    MAX_MACRO_CHARS,
    MAX_MACROS_CHARS,
)

# The macros every BibTeX style defines: jan = "January", ...
STANDARD_MACROS = {name[:3]: name.capitalize() for name in MONTH_NAMES}
_DELIMITER = re.compile(r'[{}"]')
_IDENT = re.compile(r"[^\s\"#%'(),={}]+")


class Macros:
    """A file's @string macros, each resolved once when defined (so a chain costs its length,
    never its depth: no cap on nesting is needed), those rejected with the line that defined
    them, and the budget of text entries may copy from macros and crossref parents."""

    def __init__(self) -> None:
        self.values: dict[str, str] = dict(STANDARD_MACROS)
        self.refused: dict[str, int] = {}  # name -> line of its rejected definition
        self.chars = 0  # characters all macros hold
        self.read = 0  # characters of the file read so far
        self.copied = 0  # characters entries took from macros and crossref parents

    def define(self, name: str, raw: str, line: int) -> None:
        """Resolve and keep `@string{name = raw}`; ValueError (and `name` refused) if not."""
        key = name.casefold()
        try:
            text, _ = resolve(raw, self, MAX_MACRO_CHARS, "a macro")
            total = self.chars - len(self.values.get(key, "")) + len(text)
            if total > MAX_MACROS_CHARS:
                raise ValueError(
                    f"the file's macros would hold {total:,} characters, over the "
                    f"{MAX_MACROS_CHARS:,} all macros together may have"
                )
        except ValueError:
            self.chars -= len(self.values.pop(key, ""))
            self.refused[key] = line
            raise
        self.values[key], self.chars = text, total
        self.refused.pop(key, None)

    def text(self, word: str) -> str:
        """The text of the macro `word`, or ValueError saying why there is none."""
        key = word.casefold()
        if key in self.values:
            return self.values[key]
        if key in self.refused:
            raise ValueError(f"{word!r} is a @string macro rejected at line {self.refused[key]}")
        raise ValueError(f"{word!r} is not a defined @string macro")

    def copy(self, chars: int) -> bool:
        """Whether entries may copy `chars` more characters (and if so they are counted)."""
        if self.copied + chars > self.allowance:
            return False
        self.copied += chars
        return True

    @property
    def allowance(self) -> int:
        return EXPANSION_FREE + EXPANSION_PER_CHAR * self.read

    def over_budget(self, chars: int) -> str:
        return (
            f"its macros would bring the text this file's entries copy to "
            f"{self.copied + chars:,} characters, over the {self.allowance:,} it may copy "
            f"({EXPANSION_FREE:,} plus {EXPANSION_PER_CHAR} per character read); "
            "a huge macro used again and again?"
        )


def resolve(value: str, macros: Macros, limit: int, what: str) -> tuple[str, int]:
    """The text of a raw field value ({braced}, "quoted", numbers and macros joined by #) and
    how many of its characters came from macros.

    Raises ValueError with a readable reason: a missing comma between two fields, an undefined
    macro, or a text over `limit` characters (`what` may have; checked before it is built).
    """
    parts: list[str] = []  # the macros' own strings: nothing is copied before the check
    position, size, borrowed = 0, len(value), 0
    while True:
        position = _skip_space(value, position)
        if position >= size:
            raise ValueError("a value is missing (nothing after '=' or '#')")
        part, position, from_macro = _part(value, position, macros)
        parts.append(part)
        borrowed += len(part) if from_macro else 0
        position = _skip_space(value, position)
        if position >= size:
            break
        if value[position] != "#":
            following = " ".join(value[position : position + 200].split())[:40]
            raise ValueError(f"a comma is probably missing before {following!r}")
        position += 1
    length = sum(map(len, parts))
    if length > limit:
        chain = "; a doubling chain of macros?" if borrowed > limit // 2 else ""
        raise ValueError(
            f"its text would be {length:,} characters, over the {limit:,} {what} may have{chain}"
        )
    return "".join(parts), borrowed


def _skip_space(value: str, position: int) -> int:
    while position < len(value) and value[position].isspace():
        position += 1
    return position


def _part(value: str, position: int, macros: Macros) -> tuple[str, int, bool]:
    """One part of a value at `position`: (its text, where it ends, whether a macro's)."""
    char = value[position]
    if char in '{"':
        end = _enclosed_end(value, position)
        return value[position + 1 : end - 1], end, False
    match = _IDENT.match(value, position)
    if not match:
        raise ValueError(f"unexpected {char!r} in a value")
    word = match.group(0)
    if word.isdigit():
        return word, match.end(), False
    return macros.text(word), match.end(), True


def _enclosed_end(value: str, start: int) -> int:
    """The index just past the {...} or "..." group that opens at `start`."""
    closing = "}" if value[start] == "{" else '"'
    depth = 0
    for match in _DELIMITER.finditer(value, start + 1):
        char = match.group(0)
        if char == closing and depth == 0:
            return match.end()
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                break
            depth -= 1
    raise ValueError("a value has unbalanced braces or an unclosed quote")
