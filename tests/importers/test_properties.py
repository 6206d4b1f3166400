"""Property tests: no importer raises on any text, and every non-blank line is accounted for."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curator.domain.errors import CuratorError
from curator.domain.records import BlockStatus
from curator.importers import FORMATS, parse_listing
from tests.importers.listing_helpers import assert_covers_every_line, assert_ordinals

# Lines that steer each importer down its interesting paths, mixed with arbitrary text.
_LISTING_LINES = st.sampled_from(
    [
        "Read More",
        "read more »",
        "ICLR Jo Doe ICLR Jo Doe",
        "Jo Doe Jo Doe",
        "NeurIPS Workshop (X) Jo Doe NeurIPS Workshop (X) Jo Doe",
        "A Title Of A Paper",
        "Recent Publications",
        "17 Dec 2023",
        "Dec 17, 2023",
        "2023-12",
        "2023",
        "arXiv:2403.07918",
        "arXiv:2403.07918We propose a thing.",
        "arXiv:1412.12345",
        "arXiv:2101.00001 [cs.LG]",
        "Created: 2022-09-21",
        "Created: 2022",
        "Under Review",
        "Also available at https://example.org/x",
        "Ana Lima, Jo Doe, and Bo Chen",
        'Ana Lima, Jo Doe, and Bo Chen. "T." arXiv preprint arXiv:2210.14986, 2022.',
        "We study \\textit{x} and ``y'' --- see this https URL.",
        "Code is available at this https URL.",
        "{\\href{",
        "$S_n$ } { \\",
        "",
        "   ",
        "\t",
        "\ufeff",
        "\u2028",
        "\x0c",
    ]
)
_LINES = st.one_of(_LISTING_LINES, st.text(max_size=60))
_NEWLINES = st.sampled_from(["\n", "\r\n", "\r"])
_STRUCTURED = st.builds(
    lambda lines, newline: newline.join(lines), st.lists(_LINES, max_size=40), _NEWLINES
)
TEXTS = st.one_of(st.text(), _STRUCTURED)
_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", list(FORMATS))
@_SETTINGS
@given(text=TEXTS)
def test_parse_never_raises_and_covers_every_line(name: str, text: str) -> None:
    importer = FORMATS[name]
    result = importer.parse(text)
    assert result.format == name
    assert_ordinals(result)
    assert_covers_every_line(text, result)
    assert 0.0 <= importer.sniff(text) <= 1.0


@_SETTINGS
@given(text=TEXTS)
def test_parse_listing_either_parses_or_says_why(text: str) -> None:
    try:
        result = parse_listing(text, "random.txt")
    except CuratorError as error:
        assert "styles tried" in str(error)
    else:  # records, or a BibTeX file whose every entry was rejected, saying why
        assert result.records or any(p.status is BlockStatus.REJECTED for p in result.problems)
        assert_covers_every_line(text, result)
