"""Hypothesis strategies for hostile catalog values: BibTeX specials, injections, unicode."""

from __future__ import annotations

from hypothesis import strategies as st

HOSTILE_PIECES = [
    "{", "}", "\\", "%", "#", "&", "$", "_", "^", "~", "`", "'", '"', "@", ",", "=",
    "--", "---", "''", "``", " and ", "others", "}\n}\n@preamble{\\def\\x{1}}", "\\}", "\\{",
    "@misc{evil, title={x}}", "\\par", "\\input{/etc/passwd}", "Müller", "Łukasz", "αβγ", "日本語",
    "ﬁ", "\u00a0", "\t", "\n", "\n\n", "\x00", "\x07", "\x1b", "e\u0301", "LLM", "BERT", "iPhone",
]  # fmt: skip

_characters = st.characters(codec="utf-8", exclude_categories=("Cs",))


def hostile_text(max_pieces: int = 8) -> st.SearchStrategy[str]:
    """Text built from BibTeX's special characters, injection attempts and arbitrary unicode."""
    piece = st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(_characters, max_size=6))
    return st.lists(piece, min_size=1, max_size=max_pieces).map("".join)


def _typesettable(char: str) -> bool:
    return (char.isascii() and char.isprintable()) or (ord(char) <= 0xFF and char.isalpha())


# What pdflatex with T1 fonts surely prints from UTF-8: ASCII and the Latin-1 letters. Some of
# Latin Extended-A (ŀ, U+0140), Latin-1 symbols (¸ becomes biber's undefined \textasciicedilla)
# and other scripts need other fonts or LuaLaTeX, whoever writes the .bib.
TYPESETTABLE_PIECES = [
    p for p in HOSTILE_PIECES if all(_typesettable(c) for c in p if c not in "\t\n\x00\x07\x1b")
]


def typesettable_text(max_pieces: int = 8) -> st.SearchStrategy[str]:
    """Hostile text whose characters pdflatex can typeset."""
    chars = st.characters(max_codepoint=0xFF).filter(_typesettable)
    piece = st.one_of(st.sampled_from(TYPESETTABLE_PIECES), st.text(chars, max_size=6))
    return st.lists(piece, min_size=1, max_size=max_pieces).map("".join)
