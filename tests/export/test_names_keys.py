"""Author names in BibTeX form and readable, unique citation keys."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from curator.domain.fields import validate_field
from curator.export.keys import key_base, unique_key
from curator.export.latex import Charset
from curator.export.names import bibtex_name, bibtex_names
from curator.importers.bibtex import _names
from tests.export.strategies import hostile_text


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ("Stella Biderman", "Biderman, Stella"),
        ("John von Neumann", "von Neumann, John"),
        ("Jean-Pierre de la Fontaine", "de la Fontaine, Jean-Pierre"),
        ("Martin Luther King Jr.", "King, Jr., Martin Luther"),
        ("Plato", "Plato"),
        ("Tom and Jerry", "{Tom and Jerry}"),
        ("Barnes, Noble", r"{Barnes, Noble}"),
        ("Ann {Evil}", r"{Ann \textbraceleft{}Evil\textbraceright{}}"),
        ("`quoted", r"{\relax \textasciigrave{}quoted}"),
    ],
)
def test_names_are_written_last_name_first(name: str, written: str) -> None:
    assert bibtex_name(name) == written


def test_incomplete_lists_end_in_and_others() -> None:
    assert (
        bibtex_names(("Ann Lee", "Bo Li"), True, Charset.UTF8) == "Lee, Ann and Li, Bo and others"
    )
    assert _names("Lee, Ann and Li, Bo and others") == (("Ann Lee", "Bo Li"), True)


@pytest.mark.parametrize("charset", list(Charset))
@given(st.lists(hostile_text(4), min_size=1, max_size=4), st.booleans())
def test_author_lists_read_back(charset: Charset, names: list[str], incomplete: bool) -> None:
    authors = validate_field("authors", names)  # the catalog's own clean-up
    written = bibtex_names(authors, incomplete, charset)
    assert _names(written) == (authors, incomplete or False)


def test_keys_read_like_the_paper() -> None:
    title = "Pythia: A Suite for Analyzing Large Language Models"
    assert key_base(("Stella Biderman", "Hailey Schoelkopf"), 2023, title) == "biderman2023pythia"
    assert key_base(("Jörg Müller",), 2021, "The Ölberg Effect") == "muller2021olberg"
    assert key_base((), None, None) == "anon"
    assert key_base(("John von Neumann",), 1945, "On a draft") == "neumann1945draft"


@pytest.mark.parametrize(
    ("author", "key"),
    [
        ("Jón Þórsson", "thorsson2020saga"),
        ("Иван Иванов", "ivanov2020saga"),
        ("王小明", "wangxiaoming2020saga"),
        ("John von Neumann", "neumann2020saga"),
        ("von Neumann, John", "neumann2020saga"),
        ("Martin Luther King Jr.", "king2020saga"),
    ],
)
def test_keys_transliterate_any_script_and_read_names_as_bibtex_does(author: str, key: str) -> None:
    assert key_base((author,), 2020, "The Saga") == key


def test_keys_are_made_unique_with_letters() -> None:
    taken = {"lee2020a", "lee2020aa", "lee2020ab"}
    assert unique_key("lee2020b", taken) == "lee2020b"
    assert unique_key("lee2020a", taken) == "lee2020ac"
    suffixes = set()
    pool: set[str] = {"k"}
    for _ in range(60):
        key = unique_key("k", pool)
        assert key not in pool
        pool.add(key)
        suffixes.add(key)
    assert {"ka", "kz", "kaa"} <= suffixes
    # remembering how far each base got gives the same keys
    tried: dict[str, int] = {}
    pool = {"k"}
    remembered = []
    for _ in range(60):
        remembered.append(unique_key("k", pool, tried))
        pool.add(remembered[-1])
    assert set(remembered) == suffixes
