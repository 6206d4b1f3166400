"""LaTeX in abstracts and titles (\\textit{...}, ``quotes'', ---) turned into readable Unicode."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from functools import lru_cache
from itertools import chain

from pylatexenc import latexwalker
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from curator.domain.normalize import clean_whitespace

log = logging.getLogger(__name__)

# Characters LaTeX treats specially that abstracts also use literally ("5% of", "R&D", "~10x").
# Inside a LaTeX fragment they are hidden from the decoder and put back afterwards.
_KEEP = "%&~#"
_KEEP_LITERAL = re.compile(r"(?<!\\)%|(?<!\\)&|(?<!\\)#|(?:(?<=\s)|^)~")
_TIE = re.compile(r"(?<=[^\s\\])~(?=\S)")  # "Fig.~1": a non-breaking space in LaTeX
_HREF = re.compile(r"\\href\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_URL = re.compile(r"\\url\s*\{([^{}]*)\}")
_ACCENTS = "'\"^`~=."  # \'e, \"o, \^o ... (letter accents such as \c{c} are ordinary macros)

_TYPOGRAPHY = [  # after ``quotes'' are paired (by `_pair_quotes`)
    (re.compile(r"(?<![`\w])`(\w[^`']*?)'(?!\w)"), "‘\\1’"),
    (re.compile(r"``"), "“"),
    (re.compile(r"''"), "”"),
    (re.compile(r"---"), "—"),
    (re.compile(r"(?<=\s)--(?=\s)|(?<=\d)--(?=\d)"), "–"),
]


_BIBTEX_TIE = re.compile(r"(?<!\\)~")  # a non-breaking space, always, in a BibTeX value
_BREAK_MACRO = re.compile(r"\\(par|endgraf|newline)(?![A-Za-z])(?:\{\})?")
_RAW_TYPOGRAPHY = [
    (re.compile(r"(?<!\\)``"), "“"),
    (re.compile(r"(?<!\\)''"), "”"),
    (re.compile(r"(?<!\\)---"), "—"),
    (re.compile(r"(?<!\\)--"), "–"),
]


def needs_latex_decoding(value: str) -> bool:
    """Only values with a backslash or a brace go through the (slow) LaTeX decoder."""
    return "\\" in value or "{" in value


def latex_to_text(value: str) -> str:
    """Readable Unicode for a value that may contain LaTeX markup.

    The result is one line of text. Macros are decoded only when the value contains a backslash
    or a brace; math such as `$S_n$` keeps its dollar signs; ``quotes'' and dashes always become
    proper characters.
    """
    text = _decode(value) if needs_latex_decoding(value) else value
    if "`" in text or "--" in text or "''" in text:
        text = _pair_quotes(text)
        for pattern, replacement in _TYPOGRAPHY:
            text = pattern.sub(replacement, text)
    return clean_whitespace(text)


def _pair_quotes(text: str) -> str:
    """``Quoted'' text in curly quotes, each `` paired with the first '' after it (as the
    regex ``(.+?)'' would, but in one pass: that regex rescans to the end from every `` that
    has no closing quote, minutes for a line of 50,000 of them)."""
    parts: list[str] = []
    position = 0
    while (start := text.find("``", position)) >= 0:
        end = text.find("''", start + 3)  # at least one character between
        if end < 0:
            break  # no later `` has a closing quote either
        parts += [text[position:start], "“", text[start + 2 : end], "”"]
        position = end + 2
    return "".join(parts) + text[position:] if parts else text


def decode_bibtex_value(value: str) -> str:
    r"""The text a BibTeX field value prints: LaTeX decoded, whitespace as BibTeX collapses it.

    Ligatures (``, '', --, ---) are read on the LaTeX before it is decoded, so `-{}-` stays two
    hyphens; `\par` (or `\endgraf`) and `\newline` become a blank line and a line break.
    """
    text = " ".join((_BIBTEX_TIE.sub(" ", value) if "~" in value else value).split())
    if "``" in text or "''" in text or "--" in text:  # most values have none: skip 4 regexes
        for pattern, replacement in _RAW_TYPOGRAPHY:
            text = pattern.sub(replacement, text)
    if "\\" not in text and "{" not in text:
        return text  # nothing to decode, no \par to break at
    parts: list[str] = []
    for piece, separator in _split_breaks(text):
        decoded = _decode(piece) if needs_latex_decoding(piece) else piece
        parts += [" ".join(decoded.split()), separator]
    return "".join(parts).strip()


def _split_breaks(text: str) -> Iterator[tuple[str, str]]:
    """(text, line break that follows it) for each piece between \\par and \\newline macros
    outside braces; the last piece has no break."""
    start, depth, scanned = 0, 0, 0
    for match in _BREAK_MACRO.finditer(text):
        between = text[scanned : match.start()]
        depth += between.count("{") - between.count("}")
        scanned = match.end()
        if depth == 0:
            yield text[start : match.start()], "\n" if match.group(1) == "newline" else "\n\n"
            start = match.end()
    yield text[start:], ""


def _decode(value: str) -> str:
    """Decode only the LaTeX fragments of `value`; pylatexenc is slow on long plain text."""
    text = _TIE.sub(" ", _URL.sub(r"\1", _HREF.sub(r"\2 (\1)", value)))
    parts: list[str] = []
    last = 0
    for start, end in fragments(text):
        parts.append(text[last:start])
        parts.append(_decode_fragment(text[start:end]))
        last = end
    parts.append(text[last:])
    return "".join(parts)


_CACHED_FRAGMENT = 64  # shorter fragments (\'e, {\"o}, $\alpha$) are decoded once per run


def _decode_fragment(fragment: str) -> str:
    """One fragment's text; the short ones repeat (accents, symbols) and are remembered, so a
    file of the same few macros costs one decoding each, not one per occurrence."""
    if len(fragment) <= _CACHED_FRAGMENT:
        return _decode_short(fragment)
    return _decode_once(fragment)


@lru_cache(maxsize=4096)
def _decode_short(fragment: str) -> str:
    return _decode_once(fragment)


def _decode_once(fragment: str) -> str:
    keep = _markers(fragment)
    if keep is None:  # every private-use character is taken: no room to hide % & ~ #
        return _strip_markup(fragment)
    text = _KEEP_LITERAL.sub(lambda m: keep[m.group(0)], fragment)
    decoder = _decoder()
    try:
        decoded: str = decoder.latex_to_text(text, latex_context=_walker_context())
    except Exception:  # pylatexenc raises on some malformed input; keep the text readable anyway
        log.debug("LaTeX decoding failed; stripping markup instead", exc_info=True)
        decoded = _strip_markup(text)
    for char, marker in keep.items():
        decoded = decoded.replace(marker, char)
    return decoded


def _markers(text: str) -> dict[str, str] | None:
    """A private-use character for each of _KEEP, chosen among those `text` does not contain
    (None if it holds all 137,000 of them)."""
    present = set(text) if len(text) > 64 else text  # one pass, not one per candidate
    codes = chain(range(0xE000, 0xF900), range(0xF0000, 0xFFFFE), range(0x100000, 0x10FFFE))
    free = (chr(code) for code in codes if chr(code) not in present)
    found = dict(zip(_KEEP, free, strict=False))
    return found if len(found) == len(_KEEP) else None


def fragments(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each LaTeX fragment of `text`; plain text between them is left alone.

    A fragment is a macro with its arguments, a {group}, or $math$ holding a macro or a brace.
    """
    position, size = 0, len(text)
    while position < size:
        char = text[position]
        if char == "$":
            end = text.find("$", position + 1) + 1 or size
            if needs_latex_decoding(text[position:end]):
                yield position, end
            position = end
        elif char in "\\{":
            end = _macro_end(text, position) if char == "\\" else _group_end(text, position)
            yield position, end
            position = end
        else:
            position += 1


def _macro_end(text: str, start: int) -> int:
    """End of a macro at `start`: its name (or escaped character) and the arguments that follow."""
    size, position = len(text), start + 1
    if position >= size:
        return size
    if not (text[position].isascii() and text[position].isalpha()):
        accent = text[position] in _ACCENTS
        position += 1
        if not accent or position >= size:
            return position
        if text[position] == "{":
            return _group_end(text, position)
        return position + 1 if text[position].isalpha() else position
    while position < size and text[position].isascii() and text[position].isalpha():
        position += 1
    position += text[position : position + 1] == "*"
    return _arguments_end(text, position)


def _arguments_end(text: str, position: int) -> int:
    """Skip the {...} and [...] arguments that directly follow a macro name."""
    while True:
        probe = position
        while probe < len(text) and text[probe] in " \t":
            probe += 1
        if text[probe : probe + 1] == "{":
            position = _group_end(text, probe)
        elif text[probe : probe + 1] == "[":
            close = text.find("]", probe)
            position = close + 1 if close >= 0 else len(text)
        else:
            return position


def _group_end(text: str, start: int) -> int:
    """End of the balanced {...} group opening at `start` (the end of the text if unbalanced)."""
    depth, position = 0, start
    while position < len(text):
        char = text[position]
        if char == "\\":
            position += 2
            continue
        depth += (char == "{") - (char == "}")
        position += 1
        if depth == 0:
            return position
    return len(text)


def _strip_markup(text: str) -> str:
    """A crude fallback: drop macro names and braces, keep the words."""
    text = re.sub(r"\\[A-Za-z]+\*?\s*", "", text)
    text = re.sub(r"\\(.)", r"\1", text)
    return text.replace("{", "").replace("}", "")


@lru_cache(maxsize=1)
def _walker_context() -> latexwalker.macrospec.LatexContextDb:
    """The parser's macro table, built once: pylatexenc builds it anew for every call."""
    return latexwalker.get_default_latex_context_db()


@lru_cache(maxsize=1)
def _decoder() -> LatexNodes2Text:
    extra = [
        MacroTextSpec("LaTeX", simplify_repl="LaTeX"),
        MacroTextSpec("TeX", simplify_repl="TeX"),
        # What curator's BibTeX export writes for characters LaTeX treats specially.
        MacroTextSpec("textbraceleft", simplify_repl="{"),
        MacroTextSpec("textbraceright", simplify_repl="}"),
        MacroTextSpec("textasciicircum", simplify_repl="^"),
        MacroTextSpec("textasciitilde", simplify_repl="~"),
        MacroTextSpec("textasciigrave", simplify_repl="`"),
        MacroTextSpec("textbackslash", simplify_repl="\\"),
        MacroTextSpec("textless", simplify_repl="<"),
        MacroTextSpec("textgreater", simplify_repl=">"),
        MacroTextSpec("textbar", simplify_repl="|"),
    ]
    context = get_default_latex_context_db()
    context.add_context_category("curator", macros=extra, prepend=True)
    return LatexNodes2Text(latex_context=context, math_mode="with-delimiters")
