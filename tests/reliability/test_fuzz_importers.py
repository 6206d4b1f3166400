"""Every importer fed random and hostile text (decoded random bytes, BibTeX-ish fragments,
macro chains, huge repetitions, spliced real files): no exception escapes, every non-blank line
ends in a record or a skipped or rejected block with its line numbers, and what each input
costs stays within a budget of work (function calls) and memory proportional to its size.

The budget is counted, not timed (machines here are shared and loaded): a superlinear step
shows as calls or bytes per character far above what real files cost (at most ~25 calls and
~300 bytes per character across the fixtures and seeds). A hang inside C code (a regex that
backtracks), which calls do not count, meets a generous bound on the process's own CPU time,
which other processes' load does not eat: a correct parse of the largest input takes seconds.
"""

from __future__ import annotations

import cProfile
import os
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curator.domain.errors import CuratorError
from curator.domain.records import BlockStatus, ParseResult
from curator.importers import FORMATS, parse_listing
from tests.importers.listing_helpers import file_lines
from tests.reliability.conftest import FIGURES

pytestmark = pytest.mark.reliability

FULL = os.environ.get("CURATOR_RELIABILITY") == "full"
# Full length: about 30 minutes of fuzz over the five importers (5,000 each took 10 min).
EXAMPLES = 15_000 if FULL else 200
# The longest repetition: over the cap on a value (100 kB) always, over the cap on an entry
# (1 MB) in the long run only (CI keeps to a few seconds per importer).
HUGE = 1_200_000 if FULL else 150_000
CALLS_PER_CHAR, CALLS_FREE = 100, 500_000
BYTES_PER_CHAR, BYTES_FREE = 600, 16 << 20
# CPU seconds one input may take, measured and profiled (30 times slower than bare: a 1 MB
# line of newlines, 3 s bare, took 80 s so on a loaded machine): only a hang reaches it.
CPU_HANG_S, CPU_PER_CHAR_S = 60.0, 200e-6
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
REAL = [
    p.read_text(encoding="utf-8", errors="replace")
    for p in sorted([*FIXTURES.glob("bibtex/*.bib"), *FIXTURES.glob("listings/*")])
    if p.is_file()
]

# --- what is fed --------------------------------------------------------------------------

_BIBTEX_TOKENS = st.sampled_from(
    [
        "@article{", "@misc(", "@string{", "@STRING(", "@comment{", "@preamble{", "@", "@ x {",
        "{", "}", "(", ")", '"', "#", ",", "=", " = ", "\n", "\r\n", "\r", " ", "\t", "%",
        "key", "title", "author", " and ", "others", "year = 2020", "month = jan", "crossref",
        "{p}", "a0", "a0 # a0", "jan", "doi = {10.1/x}", "eprint = {2101.00001}",
        "\\", "\\'e", '{\\"o}', "\\textit{", "``", "''", "---", "$", "$\\alpha$", "~",
        "\\par", "\\href{", "\\url{", "\ufeff", "\x00", "\u2028", "\ue000",
        "{" + "".join(map(chr, range(0xE000, 0xF900))) + " 5%}",  # every private-use character
    ]
)  # fmt: skip
_LISTING_LINES = st.sampled_from(
    [
        "Read More", "ICLR Jo Doe ICLR Jo Doe", "A Title Of A Paper", "Recent Publications",
        "17 Dec 2023", "2023-12", "2023", "arXiv:2403.07918", "arXiv:2403.07918We propose.",
        "arXiv:2101.00001 [cs.LG]", "Created: 2022-09-21", "Ana Lima, Jo Doe, and Bo Chen",
        'Ana Lima, Jo Doe. "T." arXiv preprint arXiv:2210.14986, 2022.',
        "Also available at https://example.org/x", "Code is available at this https URL.",
        "", "   ",
    ]
)  # fmt: skip
_NEWLINE = st.sampled_from(["\n", "\r\n", "\r"])
_BIBTEXISH = st.lists(_BIBTEX_TOKENS, max_size=150).map("".join)
_LISTING = st.builds(
    lambda lines, newline: newline.join(lines),
    st.lists(st.one_of(_LISTING_LINES, st.text(max_size=80)), max_size=60),
    _NEWLINE,
)
_BYTES = st.one_of(
    st.binary(max_size=4000).map(lambda b: b.decode("utf-8", errors="replace")),
    st.binary(max_size=4000).map(lambda b: b.decode("latin-1")),
)


def _repeated(unit: str, size: int, frame: str) -> str:
    """`unit` repeated to about `size` characters: bare, as one field value, or as a line
    between two entries."""
    body = unit * (size // max(len(unit), 1) + 1)
    if frame == "value":
        return "@misc{k,\n  title = {" + body + "}\n}\n@misc{after, title={After}}\n"
    if frame == "line":
        return f"@misc{{a, title={{A}}}}\n{body}\n@misc{{b, title={{B}}}}\n"
    return body


def _chain(depth: int, use: bool, joiner: str) -> str:
    """A @string doubling chain (each link twice the one before), then an entry naming it."""
    links = [f"@string{{a{k} = a{k - 1}{joiner}a{k - 1}}}" for k in range(1, depth + 1)]
    entry = f"@misc{{use, title = a{depth}}}\n" if use else ""
    return "\n".join(['@string{a0 = "xx"}', *links]) + "\n" + entry + "@misc{z, title={Z}}\n"


def _spliced(real: str, at: float, insert: str) -> str:
    position = int(len(real) * at)
    return real[:position] + insert + real[position:]


_HUGE = st.builds(
    _repeated,
    st.one_of(_BIBTEX_TOKENS, st.text(min_size=1, max_size=12), _BIBTEXISH.filter(bool)),
    st.integers(1_000, HUGE),
    st.sampled_from(["", "value", "line"]),
)
_CHAIN = st.builds(
    _chain, st.integers(0, 64), st.booleans(), st.sampled_from([" # ", "#", " #\n "])
)
_SPLICED = st.builds(
    _spliced,
    st.sampled_from(REAL),
    st.floats(0, 1),
    st.one_of(_BIBTEXISH, st.text(max_size=40)),
)
INPUTS = st.one_of(st.text(), _BYTES, _BIBTEXISH, _LISTING, _HUGE, _CHAIN, _SPLICED)

# --- what is measured ---------------------------------------------------------------------


@dataclass(slots=True)
class Work:
    """What one call cost: Python function calls made (C ones included) and peak memory."""

    calls: int = 0
    peak: int = 0
    cpu: float = 0.0


def measured(run: Callable[[], Any]) -> tuple[Any, Work]:
    """`run()`'s result (or the CuratorError it raised) and the work it took."""
    profile = cProfile.Profile()
    tracemalloc.start()
    started = time.process_time()
    profile.enable()
    try:
        result: Any = run()
    except CuratorError as error:  # the importers' own refusal, with a message
        result = error
    finally:
        profile.disable()
        cpu = time.process_time() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return result, Work(sum(entry.callcount for entry in profile.getstats()), peak, cpu)


WORST: dict[str, float] = {"calls": 0.0, "bytes": 0.0, "inputs": 0, "chars": 0}


def assert_within_budget(text: str, work: Work) -> None:
    size = len(text)
    assert work.calls <= CALLS_FREE + CALLS_PER_CHAR * size, (size, work)
    assert work.peak <= BYTES_FREE + BYTES_PER_CHAR * size, (size, work)
    assert work.cpu <= CPU_HANG_S + CPU_PER_CHAR_S * size, (size, work)
    if size >= 10_000:  # per character only where the fixed cost does not dominate
        WORST["calls"] = max(WORST["calls"], work.calls / size)
        WORST["bytes"] = max(WORST["bytes"], work.peak / size)
    WORST["inputs"] += 1
    WORST["chars"] = max(WORST["chars"], size)
    FIGURES["importer fuzz"] = (
        f"{WORST['inputs']:,} parses, up to {WORST['chars']:,} characters; at most "
        f"{WORST['calls']:.1f} calls and {WORST['bytes']:.0f} bytes per character (10k+)"
    )


def assert_accounted(text: str, result: ParseResult) -> None:
    """Every block is a record or a skipped or rejected problem with lines inside the file,
    and every non-blank line lies in one of them."""
    lines = file_lines(text)
    spans = [(r.first_line, r.last_line) for r in result.records]
    for record in result.records:
        assert record.raw and record.raw in text
    for problem in result.problems:
        assert problem.status in (BlockStatus.SKIPPED, BlockStatus.REJECTED)
        assert problem.reason.strip()
        spans.append((problem.first_line, problem.last_line))
    for first, last in spans:
        assert 1 <= first <= last <= len(lines), (first, last, len(lines))
    starts = sorted(spans)
    covered: set[int] = set()
    reach = 0
    for first, last in starts:  # spans sorted: mark each line once, in linear time
        covered.update(range(max(first, reach + 1), last + 1))
        reach = max(reach, last)
    missing = [n for n, line in enumerate(lines, 1) if line.strip() and n not in covered]
    assert not missing, f"lines {missing[:5]} are in no record or problem"


# --- the fuzz -----------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    """Caches built once per process (LaTeX tables, compiled patterns) are not the input's."""
    for importer in FORMATS.values():
        importer.parse("@misc{a, title={\\'e $x$ ``q''}}\nT\nDec 2023\narXiv:2101.00001\n")


@pytest.mark.parametrize("name", list(FORMATS))
@SETTINGS
@given(text=INPUTS)
def test_an_importer_accounts_for_every_block_within_its_budget(name: str, text: str) -> None:
    importer = FORMATS[name]
    result, work = measured(lambda: (importer.sniff(text), importer.parse(text)))
    assert not isinstance(result, CuratorError), result  # parse reports, it never refuses
    score, parsed = result
    assert 0.0 <= score <= 1.0
    assert parsed.format == name
    assert [r.ordinal for r in parsed.records] == list(range(1, len(parsed.records) + 1))
    assert_accounted(text, parsed)
    assert_within_budget(text, work)


@SETTINGS
@given(text=INPUTS)
def test_a_listing_is_read_or_refused_with_a_message_within_its_budget(text: str) -> None:
    result, work = measured(lambda: parse_listing(text, "fuzz.txt"))
    if isinstance(result, CuratorError):
        assert "fuzz.txt" in str(result) and "styles tried" in str(result)
    else:  # records, or a BibTeX file whose every entry was rejected, saying why
        assert result.records or any(p.status is BlockStatus.REJECTED for p in result.problems)
        assert_accounted(text, result)
    assert_within_budget(text, work)
