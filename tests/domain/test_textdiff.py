"""Word-level highlighting of what one text changes from another."""

from hypothesis import given
from hypothesis import strategies as st

from curator.domain.textdiff import changed_spans


def changed(text: str, reference: str) -> list[str]:
    return [piece for piece, flag in changed_spans(text, reference) if flag]


def test_one_changed_word_is_the_only_highlight() -> None:
    assert changed("Scaling laws for neural LMs", "Scaling Laws for Neural Language Models") == [
        "laws",
        "neural LMs",
    ]


def test_identical_texts_have_no_change_and_an_extra_leading_word_stands_out() -> None:
    assert changed("Pythia suite", "Pythia suite") == []
    assert changed("Introducing Pythia suite", "Pythia suite") == ["Introducing"]


@given(st.text(), st.text())
def test_spans_put_the_text_back_together(text: str, reference: str) -> None:
    assert "".join(piece for piece, _ in changed_spans(text, reference)) == text
