"""Readable citation keys: first author's surname, year, first significant title word."""

from __future__ import annotations

import re
from collections.abc import Container

from anyascii import anyascii

from curator.domain.names import split_name

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
_NOT_KEY = re.compile(r"[^a-z0-9]+")


def ascii_word(text: str) -> str:
    """Lower-case ASCII letters and digits only, transliterated: "Müller" -> "muller",
    "Þórsson" -> "thorsson", "Иванов" -> "ivanov", "王小明" -> "wangxiaoming"."""
    return _NOT_KEY.sub("", anyascii(text).casefold())


def key_base(authors: tuple[str, ...], year: int | None, title: str | None) -> str:
    """The key a work would get if no other work had it: `biderman2023pythia`."""
    name = ascii_word(split_name(authors[0]).surname) if authors else ""
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
