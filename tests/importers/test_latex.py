"""LaTeX in abstracts becomes readable text without mangling plain text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curator.importers.latex import (
    _pair_quotes,
    decode_bibtex_value,
    latex_to_text,
    needs_latex_decoding,
)
from tests.importers.listing_helpers import run_bounded


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"internals is \textit{polysemanticity}, where", "internals is polysemanticity, where"),
        (r"the \textbf{Pink Elephant Problem}: it", "the Pink Elephant Problem: it"),
        ("a ``Pink Elephant''), and", "a “Pink Elephant”), and"),
        ("in reverse order---a reverse LM---as a tool", "in reverse order—a reverse LM—as a tool"),
        (r"their \textit{semantics} -- one", "their semantics – one"),
        ("hold up the ``coset circuit'' that", "hold up the “coset circuit” that"),
        (r"a 75\% preference", "a 75% preference"),
        (r"Caf\'e na\"ive", "Café naïve"),
        (r"see \href{https://x.org/a_b}{the site}.", "see the site (https://x.org/a_b)."),
        (r"\url{https://x.org/a_b}", "https://x.org/a_b"),
    ],
)
def test_latex_to_text(text: str, expected: str) -> None:
    assert latex_to_text(text) == expected


def test_math_stays_readable() -> None:
    assert latex_to_text("the symmetric group $S_n$ and $S_5$") == (
        "the symmetric group $S_n$ and $S_5$"
    )
    assert latex_to_text(r"with \textit{x} and $\alpha_i$") == "with x and $α_i$"


def test_plain_percent_ampersand_and_tilde_survive_decoding() -> None:
    assert latex_to_text(r"5% of R&D, ~10x faster, \textit{really}") == (
        "5% of R&D, ~10x faster, really"
    )


def test_only_values_with_backslash_or_brace_are_decoded() -> None:
    assert needs_latex_decoding(r"\textit{x}")
    assert needs_latex_decoding("{L}ee")
    assert not needs_latex_decoding("plain $S_n$ text")
    assert latex_to_text("it's plain_text with #1") == "it's plain_text with #1"


@pytest.mark.parametrize("text", [r"broken \href{", "}}}", r"\begin{x}", "{", "\\", "$"])
def test_malformed_latex_never_raises(text: str) -> None:
    assert isinstance(latex_to_text(text), str)


_OLD_QUOTES = re.compile(r"``(.+?)''", re.DOTALL)  # what the quotes were paired with before


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="`' a\n", max_size=40))
def test_quotes_are_paired_as_the_regex_paired_them(text: str) -> None:
    assert _pair_quotes(text) == _OLD_QUOTES.sub("“\\1”", text)


def test_unclosed_quotes_are_paired_in_linear_time() -> None:
    """The regex rescanned to the end from every `` without a closing '': 80,000 of them took
    minutes; 400,000 now take a scan."""
    source = (
        "from curator.importers.latex import latex_to_text\n"
        "print(len(latex_to_text(\"a ``b'' \" + '``' * 400_000)))"
    )
    assert run_bounded(source).strip() == str(len("a “b” ") + 400_000)


PRIVATE_USE = "".join(chr(code) for code in range(0xE000, 0xF900))


def test_a_fragment_holding_every_private_use_character_is_still_decoded() -> None:
    """% & ~ # are hidden behind private-use characters the fragment lacks; one that holds all
    of the first block used to end the import with StopIteration."""
    value = "x {" + PRIVATE_USE + r" 5% \'e} y"
    assert latex_to_text(value).endswith(PRIVATE_USE[-1] + " 5% é y")
    assert decode_bibtex_value(value).endswith(PRIVATE_USE[-1] + " 5% é y")
