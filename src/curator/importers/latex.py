"""LaTeX in abstracts and titles (\\textit{...}, ``quotes'', ---) turned into readable Unicode text."""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

log = logging.getLogger(__name__)

# Characters that LaTeX would treat specially but that plain abstracts use literally ("5% of",
# "R&D", "~10x"). They are hidden from the decoder and put back afterwards.
_KEEP = {"%": "\ue000", "&": "\ue001", "~": "\ue002", "#": "\ue003"}
_KEEP_LITERAL = re.compile(r"(?<!\\)%|(?<!\\)&|(?<!\\)#|(?:(?<=\s)|^)~")
_HREF = re.compile(r"\\href\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_URL = re.compile(r"\\url\s*\{([^{}]*)\}")

_TYPOGRAPHY = [
    (re.compile(r"``(.+?)''", re.DOTALL), "“\\1”"),
    (re.compile(r"(?<![`\w])`(\w[^`']*?)'(?!\w)"), "‘\\1’"),
    (re.compile(r"``"), "“"),
    (re.compile(r"''"), "”"),
    (re.compile(r"---"), "—"),
    (re.compile(r"(?<=\s)--(?=\s)|(?<=\d)--(?=\d)"), "–"),
]


def needs_latex_decoding(value: str) -> bool:
    """Only values with a backslash or a brace go through the (slow) LaTeX decoder."""
    return "\\" in value or "{" in value


def latex_to_text(value: str) -> str:
    """Readable Unicode for a value that may contain LaTeX markup.

    Macros are decoded only when the value contains a backslash or a brace; math such as
    `$S_n$` keeps its dollar signs; ``quotes'' and dashes always become proper characters.
    """
    text = _decode(value) if needs_latex_decoding(value) else value
    for pattern, replacement in _TYPOGRAPHY:
        text = pattern.sub(replacement, text)
    return re.sub(r"[ \t\u00a0]+", " ", text).strip()


def _decode(value: str) -> str:
    text = _HREF.sub(r"\2 (\1)", value)
    text = _URL.sub(r"\1", text)
    text = _KEEP_LITERAL.sub(lambda m: _KEEP[m.group(0)], text)
    try:
        decoded = _decoder().latex_to_text(text)
    except Exception:  # pylatexenc raises on some malformed input; keep the text readable anyway
        log.debug("LaTeX decoding failed; stripping markup instead", exc_info=True)
        decoded = _strip_markup(text)
    for char, marker in _KEEP.items():
        decoded = decoded.replace(marker, char)
    return decoded


def _strip_markup(text: str) -> str:
    """A crude fallback: drop macro names and braces, keep the words."""
    text = re.sub(r"\\[A-Za-z]+\*?\s*", "", text)
    text = re.sub(r"\\(.)", r"\1", text)
    return text.replace("{", "").replace("}", "")


@lru_cache(maxsize=1)
def _decoder() -> LatexNodes2Text:
    extra = [
        MacroTextSpec("LaTeX", simplify_repl="LaTeX"),
        MacroTextSpec("TeX", simplify_repl="TeX"),
    ]
    context = get_default_latex_context_db().extended_with(category="curator", macros=extra)
    return LatexNodes2Text(latex_context=context, math_mode="with-delimiters")
