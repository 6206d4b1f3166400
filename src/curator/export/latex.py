"""Catalog text written as BibTeX field values that LaTeX prints exactly as the catalog holds them.

Every brace written here is balanced, so no value can end its field early or open a new entry:
literal braces become `\\textbraceleft{}` / `\\textbraceright{}` (BibTeX counts `\\{` as a brace).
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from pylatexenc.latexencode import UnicodeToLatexEncoder


class Charset(StrEnum):
    """How non-ASCII characters are written."""

    UTF8 = "utf8"  # kept as they are: biber, or bibtex with a UTF-8 document
    LATEX = "latex"  # turned into LaTeX macros where one exists: classic 8-bit bibtex


_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "#": r"\#",
    "&": r"\&",
    "$": r"\$",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
    "`": r"\textasciigrave{}",
}
# LaTeX ligatures that would print other characters: -- (en dash), '' (closing quotes).
_LIGATURES = {"-": "-{}", "'": "'{}"}
_TOKEN = re.compile(r"-(?=-)|'(?=')|[\\{}%#&$_^~`]")
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def encode(text: str, charset: Charset = Charset.UTF8) -> str:
    r"""`text` as LaTeX that prints it unchanged.

    Paragraphs become `\par` and line breaks `\newline`; control characters are dropped.
    """
    text = _CONTROL.sub("", text)
    paragraphs = [p for p in (p.strip() for p in _PARAGRAPH.split(text.strip())) if p]
    return r" \par ".join(
        r" \newline ".join(_encode_line(" ".join(line.split()), charset) for line in p.splitlines())
        for p in paragraphs
    )


def _encode_line(line: str, charset: Charset) -> str:
    line = _TOKEN.sub(lambda m: _SPECIAL.get(m.group(0)) or _LIGATURES[m.group(0)], line)
    if charset is Charset.LATEX and not line.isascii():
        line = "".join(_latex_char(char) if not char.isascii() else char for char in line)
    return line


@lru_cache(maxsize=4096)
def _latex_char(char: str) -> str:
    """The LaTeX macro for a non-ASCII character, or the character itself when there is none.

    pylatexenc also "encodes" some characters as plain ASCII look-alikes ('ﬁ' as 'fi'); those
    would not read back as the same character, so they stay UTF-8.
    """
    latex = _encoder().unicode_to_latex(char)
    return latex if "\\" in latex else char


@lru_cache(maxsize=1)
def _encoder() -> UnicodeToLatexEncoder:
    return UnicodeToLatexEncoder(
        non_ascii_only=True,
        replacement_latex_protection="braces-all",
        unknown_char_policy="keep",
        unknown_char_warning=False,
    )


def protect_case(title: str) -> list[tuple[str, bool]]:
    """The title's words, each with whether its capitals must survive a style's lower-casing.

    A word is protected when it has a capital after its first letter (LLM, BERT, GPT-4, LLaMA,
    iPhone); a capitalised ordinary word (Pythia, English) is left to the style.
    """
    return [(word, any(c.isupper() for c in word[1:])) for word in title.split(" ")]


def encode_title(title: str, charset: Charset = Charset.UTF8) -> str:
    """A title as LaTeX, with the words whose capitals matter wrapped in braces: {LLM}s."""
    words = []
    for word, protect in protect_case(" ".join(title.split())):
        encoded = encode(word, charset)
        words.append(f"{{{encoded}}}" if protect and encoded else encoded)
    return " ".join(words)
