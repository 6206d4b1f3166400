"""Catalog text written as BibTeX field values that LaTeX prints exactly as the catalog holds them.

Every brace written here is balanced, so no value can end its field early or open a new entry:
literal braces become `\\textbraceleft{}` / `\\textbraceright{}` (BibTeX counts `\\{` as a brace).
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text
from pylatexenc.latexencode import UnicodeToLatexEncoder

from curator.domain.normalize import clean_text


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


def encode(text: str, charset: Charset = Charset.UTF8) -> str:
    r"""`text` as LaTeX that prints it unchanged.

    Paragraphs become `\endgraf` (LaTeX's \par under another name, which biblatex's field
    macros accept) and line breaks `\newline`; control characters are dropped.
    """
    if text.isascii() and text.isprintable():  # one line, nothing to clean: most names, words
        return _encode_line(" ".join(text.split()), charset)
    return _encode_text(text, charset)


def _encode_text(text: str, charset: Charset) -> str:
    return r" \endgraf ".join(
        r" \newline ".join(_encode_line(line, charset) for line in paragraph.split("\n"))
        for paragraph in clean_text(text).split("\n\n")
    )


# Combining accents with no precomposed letter (P̄ in xampl.bib) as LaTeX accent macros.
_COMBINING = {
    "\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=", "\u0306": "u",
    "\u0307": ".", "\u0308": '"', "\u030a": "r", "\u030b": "H", "\u030c": "v", "\u0323": "d",
    "\u0327": "c", "\u0328": "k", "\u0331": "b",
}  # fmt: skip
_ACCENTED = re.compile("([A-Za-z])([" + "".join(_COMBINING) + "])")


def _encode_line(line: str, charset: Charset) -> str:
    line = _TOKEN.sub(lambda m: _SPECIAL.get(m.group(0)) or _LIGATURES[m.group(0)], line)
    return ascii_latex(line) if charset is Charset.LATEX else line


def ascii_latex(text: str) -> str:
    """Only the non-ASCII characters of `text` as LaTeX macros (`ü` as `{\\"u}`): for BibTeX
    source that is LaTeX already."""
    if text.isascii():
        return text
    text = _ACCENTED.sub(lambda m: f"{{\\{_COMBINING[m.group(2)]}{{{m.group(1)}}}}}", text)
    return "".join(_latex_char(char) if not char.isascii() else char for char in text)


@lru_cache(maxsize=4096)
def _latex_char(char: str) -> str:
    """The LaTeX macro for a non-ASCII character, or the character itself when there is none.

    pylatexenc's table has look-alikes ('ﬁ' as 'fi', '·' as a dot accent); a macro is used only
    when LaTeX-to-text reads it back as exactly the same character.
    """
    latex: str = _encoder().unicode_to_latex(char)
    if latex != char and _reader().latex_to_text(latex) == char:
        return latex
    return char


@lru_cache(maxsize=1)
def _reader() -> LatexNodes2Text:
    return LatexNodes2Text(math_mode="text")


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
    iPhone) or is a single capital letter, but for a bare A, the article (the C language, C++,
    Type I, the pronoun I, Part A:, A. A. Milne); a capitalised ordinary word (Pythia, English)
    is left to the style.
    """
    return [(word, _capitals_matter(word)) for word in title.split(" ")]


def _capitals_matter(word: str) -> bool:
    if any(c.isupper() for c in word[1:]):
        return True
    letters = "".join(c for c in word if c.isalnum())
    return len(letters) == 1 and letters.isupper() and word != "A"  # "A." and "A:" are not "a"


def encode_title(title: str, charset: Charset = Charset.UTF8) -> str:
    """A title as LaTeX, with the words whose capitals matter wrapped in braces: {LLM}s."""
    words = []
    for word, protect in protect_case(" ".join(title.split())):
        encoded = encode(word, charset)
        if protect and encoded:
            # A group that starts with a macro is a BibTeX "special character", whose letters
            # plain.bst still lowercases: {\#LLM} -> #llm. A second pair of braces protects it.
            encoded = f"{{{{{encoded}}}}}" if encoded.startswith("\\") else f"{{{encoded}}}"
        words.append(encoded)
    return " ".join(words)
