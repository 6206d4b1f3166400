"""Values written for BibTeX read back exactly, and never break out of their field."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curator.domain.normalize import clean_line, clean_text
from curator.export import latex
from curator.export.latex import Charset, encode, encode_title, protect_case
from curator.importers.latex import decode_bibtex_value
from tests.export.strategies import hostile_text


def brace_depths_ok(value: str) -> bool:
    """BibTeX's view: every brace counts (escaped or not); depth never drops below zero."""
    depth = 0
    for char in value:
        depth += (char == "{") - (char == "}")
        if depth < 0:
            return False
    return depth == 0


@pytest.mark.parametrize("charset", list(Charset))
@given(text=hostile_text())
@settings(max_examples=300)
def test_encoded_text_reads_back_and_stays_balanced(charset: Charset, text: str) -> None:
    canonical = clean_text(text)
    encoded = encode(canonical, charset)
    assert brace_depths_ok(encoded), encoded
    assert decode_bibtex_value(encoded) == canonical


@pytest.mark.parametrize("charset", list(Charset))
@given(title=hostile_text())
def test_titles_with_protected_words_read_back(charset: Charset, title: str) -> None:
    canonical = clean_line(title)
    encoded = encode_title(canonical, charset)
    assert brace_depths_ok(encoded)
    assert decode_bibtex_value(encoded) == canonical


def test_specials_are_escaped_and_injection_is_text() -> None:
    assert encode("50% of R&D costs $5 #1 a_b") == r"50\% of R\&D costs \$5 \#1 a\_b"
    injected = encode("x}\n}\n@preamble{evil}")
    assert injected == (
        r"x\textbraceright{} \newline \textbraceright{} \newline "
        r"@preamble\textbraceleft{}evil\textbraceright{}"
    )
    assert brace_depths_ok(injected)


def test_latex_charset_writes_macros_and_utf8_keeps_letters() -> None:
    assert encode("Müller", Charset.LATEX) == r"M{\"u}ller"
    assert encode("Müller", Charset.UTF8) == "Müller"
    assert encode("日本", Charset.LATEX) == "日本"  # no macro: kept as UTF-8
    assert encode("ﬁ", Charset.LATEX) == "ﬁ"  # pylatexenc's "fi" would not read back


def test_capitals_that_matter_are_protected() -> None:
    assert (
        encode_title("Pythia: A Suite for Analyzing LLMs") == "Pythia: A Suite for Analyzing {LLMs}"
    )
    assert encode_title("BERT and iPhone on GPT-4") == "{BERT} and {iPhone} on {GPT-4}"
    # A group starting with a macro is a BibTeX special character: it needs a second pair.
    assert encode_title("Using #LLM tags") == r"Using {{\#LLM}} tags"
    assert [w for w, protect in protect_case("Emergent Memorization in LLaMA") if protect] == [
        "LLaMA"
    ]
    # a single capital letter a style would lower-case: the language C, C++, Type I, I
    assert encode_title("Programs in C and C++: What I Learned") == (
        "Programs in {C} and {C++:} What {I} Learned"
    )
    assert encode_title("Plan A Is a Theory of Type I") == "Plan A Is a Theory of Type {I}"
    assert encode_title("Part A: Notes on A. A. Milne") == "Part {A:} Notes on {A.} {A.} Milne"


def test_ligatures_and_paragraphs() -> None:
    assert encode("a -- b ''c''") == "a -{}- b '{}'c'{}'"
    assert encode("one\ntwo\n\n\nthree") == r"one \newline two \endgraf three"
    assert decode_bibtex_value(r"one \newline two \endgraf three") == "one\ntwo\n\nthree"
    assert decode_bibtex_value(r"real-world \par paragraphs") == "real-world\n\nparagraphs"


def test_decoding_real_world_latex() -> None:
    assert decode_bibtex_value(r"Schr{\"o}dinger's {\it cat} -- 50\% ``live''") == (
        "Schrödinger's cat – 50% “live”"
    )
    assert decode_bibtex_value("A  long\n    title") == "A long title"


@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40))
def test_decoding_never_raises(text: str) -> None:
    decode_bibtex_value(text)


@settings(max_examples=300)
@given(
    text=st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
    charset=st.sampled_from(list(Charset)),
)
def test_one_plain_line_takes_the_quick_way_to_the_same_result(text: str, charset: Charset) -> None:
    """Names and words go through `encode` a million times an export: plain ASCII on one line
    skips the clean-up it does not need, and comes out the same."""
    assert encode(text, charset) == latex._encode_text(text, charset)
