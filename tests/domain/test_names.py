"""One reading of people's names, held to BibTeX's rules as bibtexparser implements them."""

from __future__ import annotations

import pytest
from bibtexparser.middlewares.names import parse_single_name_into_parts
from hypothesis import given
from hypothesis import strategies as st

from curator.domain.names import split_name

CAPITALISED = st.sampled_from(["Stella", "Biderman", "Jean-Paul", "J.", "R.", "Müller", "Þórsson",
                               "O'Neil", "McKay", "Vallee", "Poussin"])  # fmt: skip
PARTICLES = st.sampled_from(["von", "van", "der", "de", "la", "du", "ter"])


@st.composite
def names(draw: st.DrawFn) -> str:
    first = draw(st.lists(CAPITALISED, max_size=3))
    von = draw(st.lists(PARTICLES, max_size=2))
    last = draw(st.lists(CAPITALISED, min_size=1, max_size=2))
    if first and draw(st.booleans()):
        return " ".join([*von, *last]) + ", " + " ".join(first)
    if not first:
        # "A B" alone is first and last; "von A" alone is von and last for BibTeX, but
        # bibtexparser reads "von" as a first name there (see the case below)
        last, von = last[-1:], []
    return " ".join([*first, *von, *last])


@given(names())
def test_names_split_as_bibtex_splits_them(name: str) -> None:
    ours = split_name(name)
    theirs = parse_single_name_into_parts(name)
    assert (list(ours.first), list(ours.von), list(ours.last)) == (
        theirs.first,
        theirs.von,
        theirs.last,
    )


@pytest.mark.parametrize(
    ("name", "surname", "family"),
    [
        ("John von Neumann", "Neumann", ("von", "Neumann")),
        ("von Neumann, John", "Neumann", ("von", "Neumann")),
        ("Charles Louis Xavier Joseph de la Vallee Poussin", "Vallee Poussin",
         ("de", "la", "Vallee", "Poussin")),
        ("Martin Luther King Jr.", "King", ("King",)),
        ("King, Jr., Martin Luther", "King", ("King",)),
        ("Biderman, Stella", "Biderman", ("Biderman",)),
        ("王小明", "王小明", ("王小明",)),
        ("van Gogh", "Gogh", ("van", "Gogh")),  # BibTeX's reading; bibtexparser says first name
    ],
)  # fmt: skip
def test_surname_and_family_name(name: str, surname: str, family: tuple[str, ...]) -> None:
    parts = split_name(name)
    assert parts.surname == surname
    assert parts.family == family
