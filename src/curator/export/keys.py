"""Readable citation keys: first author's surname, year, first significant title word."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

from curator.export.names import surname

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "on",
        "of",
        "in",
        "for",
        "to",
        "and",
        "with",
        "via",
        "from",
        "by",
        "at",
        "as",
        "is",
        "are",
        "be",
        "do",
        "does",
        "what",
        "how",
        "why",
        "when",
        "toward",
        "towards",
        "into",
        "onto",
        "über",
    ]
)
_FOLD = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ı": "i"})
_NOT_KEY = re.compile(r"[^a-z0-9]+")


def ascii_word(text: str) -> str:
    """Lower-case ASCII letters and digits only: "Müller" -> "muller", "Łukasz" -> "lukasz"."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    return _NOT_KEY.sub("", text.encode("ascii", "ignore").decode())


def key_base(authors: tuple[str, ...], year: int | None, title: str | None) -> str:
    """The key a work would get if no other work had it: `biderman2023pythia`."""
    name = ascii_word(surname(authors[0])) if authors else ""
    word = ""
    for candidate in (title or "").split():
        folded = ascii_word(candidate)
        if folded and folded not in STOPWORDS:
            word = folded
            break
    return f"{name or 'anon'}{year or ''}{word}"


def unique_key(base: str, taken: Container[str], tried: dict[str, int] | None = None) -> str:
    """`base`, or `base` with the first free suffix a, b, ..., z, aa, ab, ... appended.

    `tried` remembers, across calls whose `taken` only grows, how far each base got: a
    thousand works keyed `anon2023` take a thousand steps, not half a million.
    """
    if base not in taken:
        return base
    n = tried.get(base, 0) if tried is not None else 0
    while base + _suffix(n) in taken:
        n += 1
    if tried is not None:
        tried[base] = n
    return base + _suffix(n)


def _suffix(n: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa, ..."""
    suffix = ""
    while True:
        suffix = chr(ord("a") + n % 26) + suffix
        n = n // 26 - 1
        if n < 0:
            return suffix
