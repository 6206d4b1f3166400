"""The BibTeX fields curator keeps as they came: typed as "name = value" lines, checked."""

from __future__ import annotations

import pytest

from curator.domain import bibfields
from curator.domain.errors import ValidationError
from curator.domain.fields import validate_changes


def test_lines_become_fields_in_entry_order() -> None:
    text = "note = To appear\n\n  pages=1--10\nVolume =  12 \nzeta = last\nisbn = 978-3"
    source = r"M{\"u}ller \& Sons"  # BibTeX source, kept as it is
    assert bibfields.parse(f"note = {source}")["note"] == source
    fields = bibfields.parse(text)
    assert list(fields.items()) == [
        ("volume", "12"),
        ("pages", "1--10"),
        ("note", "To appear"),
        ("isbn", "978-3"),
        ("zeta", "last"),
    ]
    assert bibfields.parse(bibfields.as_text(fields.items())) == fields
    assert bibfields.parse({"volume": " ", "pages": "3"}) == {"pages": "3"}  # empty: dropped
    assert validate_changes({"extra": "volume = 2"}) == {"extra": {"volume": "2"}}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("volume 12", "line 1: 'volume 12' is not 'name = value'"),
        ("title = Another", "'title' has a field of its own"),
        ("journal = X", "'journal' has a field of its own"),
        ("volume = 1\nvolume = 2", "'volume' is given twice"),
        ("2nd = x", "not a BibTeX field name"),
        ("vol{ume} = x", "not a BibTeX field name"),
        ("note = " + "x" * 100_001, "at most 100000"),
        ("note = {unclosed", "braces do not balance"),
        ("note = a \\} b", "braces do not balance"),  # BibTeX counts an escaped brace too
    ],
)
def test_bad_lines_are_refused_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        bibfields.parse(text)


def test_keeps_is_what_parse_accepts() -> None:
    assert bibfields.keeps("volume") and bibfields.keeps("x-custom_1")
    assert not bibfields.keeps("author") and not bibfields.keeps("Volume")
