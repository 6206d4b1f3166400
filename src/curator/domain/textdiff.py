"""Which words of a text differ from another text, for highlighting in side-by-side views."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

_TOKENS = re.compile(r"\S+|\s+")


def changed_spans(text: str, reference: str) -> list[tuple[str, bool]]:
    """`text` cut into (piece, changed) spans: changed pieces are words `reference` lacks there.

    Compares word by word (whitespace kept as it is), so a one-word title change or a
    reworded sentence in an abstract stands out; case differences count as changes.
    """
    mine = _TOKENS.findall(text)
    theirs = _TOKENS.findall(reference)
    words_mine = [t for t in mine if not t.isspace()]
    words_theirs = [t for t in theirs if not t.isspace()]
    matcher = SequenceMatcher(None, words_theirs, words_mine, autojunk=False)
    changed = [True] * len(words_mine)
    for block in matcher.get_matching_blocks():
        for k in range(block.b, block.b + block.size):
            changed[k] = False
    spans: list[tuple[str, bool]] = []
    index = 0
    for token in mine:
        if token.isspace():
            flag = spans[-1][1] if spans else False
            spans.append((token, flag))
            continue
        spans.append((token, changed[index]))
        index += 1
    return _joined(spans)


def _joined(spans: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Neighbouring spans with the same flag merged; a space between a change and an unchanged
    word belongs to the unchanged side."""
    out: list[tuple[str, bool]] = []
    for i, (piece, flag) in enumerate(spans):
        if piece.isspace() and flag and (i + 1 >= len(spans) or not spans[i + 1][1]):
            flag = False
        if out and out[-1][1] == flag:
            out[-1] = (out[-1][0] + piece, flag)
        else:
            out.append((piece, flag))
    return out
