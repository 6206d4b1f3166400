"""Helpers for the importer tests: the seed files, the fixtures and the line-coverage check."""

from __future__ import annotations

import re
import resource
import subprocess
import sys
from pathlib import Path

from curator.domain.records import ParseResult

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
HANG_S = 60  # a bound only a hang reaches: machines are shared, a correct run takes a second
CHILD_MEMORY = 2 << 30  # bytes a child may map: old importers blew through it
FIXTURES = ROOT / "tests" / "fixtures" / "listings"


def seed_text(prefix: str) -> str:
    """The seed listing whose name starts with `prefix` ("000", "001", ...)."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def run_bounded(source: str, *args: str) -> str:
    """The output of Python `source` run in a process of its own with bounded memory and a
    generous time limit, so a hostile input that made the old code explode fails a test
    instead of taking the machine."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))

    done = subprocess.run(
        [sys.executable, "-c", source, *args],
        capture_output=True,
        text=True,
        timeout=HANG_S,
        preexec_fn=limit,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8", errors="replace")


def file_lines(text: str) -> list[str]:
    """The file's lines as an editor numbers them (LF, CRLF or CR; a leading BOM ignored)."""
    return re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff"))


def _blocks(result: ParseResult) -> list[tuple[int, int, str]]:
    spans = [(r.first_line, r.last_line, r.raw) for r in result.records]
    spans += [(p.first_line, p.last_line, p.raw) for p in result.problems]
    return sorted(spans, key=lambda span: (span[0], span[1]))


def assert_covers_every_line(text: str, result: ParseResult) -> None:
    """Every non-blank line lies in exactly one record or problem.

    The one exception is a line where a span ends and the next begins mid-line (an arXiv id
    glued to the next abstract): it is the last line of one block and the first of the next.
    Raw spans are untouched text of the file and together hold all its non-space characters.
    """
    lines = file_lines(text)
    blocks = _blocks(result)
    for first, last, raw in blocks:
        assert 1 <= first <= last <= len(lines), (first, last)
        assert raw and raw in text
    for number, line in enumerate(lines, start=1):
        covering = [b for b in blocks if b[0] <= number <= b[1]]
        if not line.strip():
            continue
        assert covering, f"line {number} is in no record or problem: {line!r}"
        if len(covering) > 1:
            assert len(covering) == 2, f"line {number} is in {len(covering)} blocks"
            (_, end_a, _), (start_b, _, _) = covering
            assert end_a == number == start_b, f"line {number} is shared by overlapping blocks"
    _assert_raw_partition(text, blocks)


def _assert_raw_partition(text: str, blocks: list[tuple[int, int, str]]) -> None:
    position = 0
    for _, _, raw in blocks:
        found = text.find(raw, position)
        assert found >= 0, f"raw span out of order: {raw[:60]!r}"
        position = found + len(raw)
    content = "".join(text.removeprefix("\ufeff").split())
    covered = "".join("".join(raw.split()) for _, _, raw in blocks)
    assert len(covered) == len(content)


def assert_ordinals(result: ParseResult) -> None:
    assert [r.ordinal for r in result.records] == list(range(1, len(result.records) + 1))
