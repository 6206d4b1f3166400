"""The checker that runs the real pdflatex, bibtex and biber on a .bib file (tests/texcheck.py).

The real-world fixtures (tests/fixtures/bibtex, see its README) are checked with both tool
chains; each file and chain has its expected outcome, so a checker that passes too much or too
little shows. Then broken files, made here, must fail with the trouble named.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.texcheck import TexRun, check_with_biber, check_with_bibtex

FIXTURES = Path(__file__).parent / "fixtures" / "bibtex"
CHECKS: dict[str, Callable[[Path, list[str], Path], TexRun]] = {
    "bibtex": check_with_bibtex,
    "biber": check_with_biber,
}

# For each fixture and tool: None when the file must pass, else the errors it must fail with
# (every error must contain one of these, and each of these must be in some error).
EXPECTED: dict[tuple[str, str], tuple[str, ...] | None] = {
    ("xampl.bib", "bibtex"): None,
    # Biber matches keys with case: crossref = "WHOLE-JOURNAL" does not find whole-journal.
    ("xampl.bib", "biber"): (
        "WARN - I didn't find a database entry for crossref 'WHOLE-JOURNAL' in entry "
        "'article-crossref'",
    ),
    ("texnique.bib", "bibtex"): None,
    ("texnique.bib", "biber"): None,
    # A biblatex database: plain BibTeX passes its biblatex macros through to LaTeX.
    ("biblatex-examples-trimmed.bib", "bibtex"): (
        "! Undefined control sequence.",
        "\\mkbibquote",
        "pdflatex exited with status 1",
    ),
    ("biblatex-examples-trimmed.bib", "biber"): None,
    ("LNI-examples.bib", "bibtex"): None,
    ("LNI-examples.bib", "biber"): None,
    ("pybtex-extrafields.bib", "bibtex"): None,
    ("pybtex-extrafields.bib", "biber"): None,
    # pdflatex with T1 fonts has no Cyrillic.
    ("pybtex-cyrillic.bib", "bibtex"): (
        "! LaTeX Error: Unicode character М (U+041C) not set up for use with LaTeX.",
        "pdflatex exited with status 1",
    ),
    ("pybtex-cyrillic.bib", "biber"): (
        "! LaTeX Error: Unicode character М (U+041C) not set up for use with LaTeX.",
        "pdflatex exited with status 1",
    ),
}

_ENTRY_KEY = re.compile(
    r"^\s*@(?!string\b|preamble\b|comment\b)\w+\s*[{(]\s*([^,\s]+)\s*,", re.I | re.M
)


def keys_of(bib: Path) -> list[str]:
    return _ENTRY_KEY.findall(bib.read_text(encoding="utf-8"))


def write_bib(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    bib = folder / "input.bib"
    bib.write_text(text, encoding="utf-8")
    return bib


@pytest.fixture(scope="module")
def fixture_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], TexRun]:
    """Every fixture through both tool chains, run side by side (biber takes about 2 s a file)."""
    jobs = {}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for name, tool in EXPECTED:
            bib = FIXTURES / name
            workdir = tmp_path_factory.mktemp(f"{tool}-{bib.stem}")
            jobs[name, tool] = pool.submit(CHECKS[tool], bib, keys_of(bib), workdir)
    return {job: future.result() for job, future in jobs.items()}


def test_every_fixture_has_an_expected_outcome() -> None:
    names = {path.name for path in FIXTURES.glob("*.bib")}
    assert {(name, tool) for name in names for tool in CHECKS} == set(EXPECTED)


def test_fixtures_are_small_and_have_entries() -> None:
    for bib in FIXTURES.glob("*.bib"):
        assert bib.stat().st_size < 62_000, bib.name
        assert keys_of(bib), bib.name


@pytest.mark.parametrize(("name", "tool"), sorted(EXPECTED))
def test_real_world_fixture(
    fixture_runs: dict[tuple[str, str], TexRun], name: str, tool: str
) -> None:
    run = fixture_runs[name, tool]
    expected = EXPECTED[name, tool]
    if expected is None:
        assert run.ok, run.summary()
        assert run.errors == [], run.summary()
        return
    assert not run.ok, run.summary()
    for error in run.errors:
        assert any(part in error for part in expected), f"unexpected {error!r}\n{run.summary()}"
    for part in expected:
        assert any(part in error for part in run.errors), f"missing {part!r}\n{run.summary()}"


def test_warnings_alone_do_not_fail_a_check(
    fixture_runs: dict[tuple[str, str], TexRun],
) -> None:
    """bibtex exits 0 after warnings; the check passes and keeps them."""
    run = fixture_runs["xampl.bib", "bibtex"]
    assert run.ok
    assert "Warning--empty author in whole-journal" in run.warnings
    assert "[exit 0," in run.log.split("$ bibtex", 1)[1].splitlines()[0]


def test_the_log_has_every_step(fixture_runs: dict[tuple[str, str], TexRun]) -> None:
    steps = {
        "bibtex": ["pdflatex", "bibtex", "pdflatex", "pdflatex"],
        "biber": ["pdflatex", "biber", "pdflatex"],
    }
    for tool, expected in steps.items():
        log = fixture_runs["texnique.bib", tool].log
        ran = [line.split()[1] for line in log.splitlines() if line.startswith("$ ")]
        assert ran[: len(expected)] == expected, log


GOOD = "@article{good, author = {Doe, Jane}, title = {A Title}, journal = {J}, year = 2000}\n"


@pytest.mark.parametrize("tool", sorted(CHECKS))
def test_a_small_good_file_passes(tmp_path: Path, tool: str) -> None:
    run = CHECKS[tool](write_bib(tmp_path, GOOD), ["good"], tmp_path / "work")
    assert run.ok, run.summary()
    assert run.errors == [] and run.warnings == [], run.summary()


@pytest.mark.parametrize(
    ("tool", "expected"),
    [
        (
            "bibtex",
            ["I was expecting a `,' or a `}'---line 5 of file", "bibtex exited with status 2"],
        ),
        ("biber", ["ERROR - BibTeX subsystem: texcheck-refs.bib, line 5, syntax error"]),
    ],
)
def test_an_unbalanced_brace_fails(tmp_path: Path, tool: str, expected: list[str]) -> None:
    text = (
        GOOD
        + "@article{unbalanced, author = {Roe, Rick}, title = {An {unbalanced title},\n"
        + "  journal = {J}, year = 2001}\n\n"
        + "@article{after, author = {Poe, Pat}, title = {After}, journal = {J}, year = 2002}\n"
    )
    bib = write_bib(tmp_path, text)
    run = CHECKS[tool](bib, ["good", "unbalanced", "after"], tmp_path / "work")
    assert not run.ok
    for part in expected:
        assert any(part in error for error in run.errors), run.summary()


@pytest.mark.parametrize(
    ("tool", "expected"),
    [
        ("bibtex", "! Undefined control sequence. [l.1 \\injectedmacro]"),
        ("biber", "! Undefined control sequence. \\abx@preamble ->\\injectedmacro"),
    ],
)
def test_a_value_that_injects_a_preamble_fails(tmp_path: Path, tool: str, expected: str) -> None:
    """A title that closes its entry and opens @preamble: no bibtex error, but LaTeX runs it."""
    title = 'Innocent}\n}\n@preamble{"\\injectedmacro"}\n@misc{rest, note = {'
    text = (
        GOOD + f"@article{{injected, author = {{Roe, Rick}}, title = {{{title}}}, year = 2001}}\n"
    )
    run = CHECKS[tool](write_bib(tmp_path, text), ["good", "injected"], tmp_path / "work")
    assert not run.ok
    assert any(error.startswith(expected) for error in run.errors), run.summary()
    assert "pdflatex exited with status 1" in run.errors


@pytest.mark.parametrize(
    ("tool", "expected"),
    [
        (
            "bibtex",
            [
                'Warning--I didn\'t find a database entry for "nosuchkey"',
                "LaTeX Warning: Citation `nosuchkey' on page 1 undefined",
                "LaTeX Warning: There were undefined references.",
            ],
        ),
        (
            "biber",
            [
                "WARN - I didn't find a database entry for 'nosuchkey' (section 0)",
                "LaTeX Warning: Citation 'nosuchkey' on page 1 undefined",
            ],
        ),
    ],
)
def test_a_missing_key_fails(tmp_path: Path, tool: str, expected: list[str]) -> None:
    run = CHECKS[tool](write_bib(tmp_path, GOOD), ["good", "nosuchkey"], tmp_path / "work")
    assert not run.ok
    for part in expected:
        assert any(error.startswith(part) for error in run.errors), run.summary()
    # Every tool exited 0: only the messages tell.
    assert not any("exited with status" in error for error in run.errors), run.summary()


@pytest.mark.parametrize(
    ("tool", "expected"),
    [
        ("bibtex", "Repeated entry---line 2 of file texcheck-refs.bib"),
        ("biber", "WARN - Duplicate entry key: 'good' in file 'texcheck-refs.bib'"),
    ],
)
def test_a_duplicate_key_fails(tmp_path: Path, tool: str, expected: str) -> None:
    run = CHECKS[tool](write_bib(tmp_path, GOOD + GOOD), ["good"], tmp_path / "work")
    assert not run.ok
    assert any(error.startswith(expected) for error in run.errors), run.summary()


@pytest.mark.parametrize(
    ("tool", "expected"),
    [
        ("bibtex", 'Warning--string name "nosuchjournal" is undefined --line 1 of file'),
        ("biber", 'warning: undefined macro "nosuchjournal"'),
    ],
)
def test_an_undefined_string_macro_fails(tmp_path: Path, tool: str, expected: str) -> None:
    text = GOOD.replace("journal = {J}", "journal = nosuchjournal")
    run = CHECKS[tool](write_bib(tmp_path, text), ["good"], tmp_path / "work")
    assert not run.ok
    assert any(expected in error for error in run.errors), run.summary()


@pytest.mark.parametrize("tool", sorted(CHECKS))
def test_latex_that_waits_for_input_fails_at_once(tmp_path: Path, tool: str) -> None:
    text = '@preamble{"\\read16 to \\answer"}\n' + GOOD
    run = CHECKS[tool](write_bib(tmp_path, text), ["good"], tmp_path / "work")
    assert not run.ok
    assert "*** (cannot \\read from terminal in nonstop modes)" in run.errors, run.summary()


def test_a_key_latex_cannot_cite_is_an_error(tmp_path: Path) -> None:
    run = check_with_bibtex(write_bib(tmp_path, GOOD), ["good", "two words"], tmp_path / "work")
    assert not run.ok
    assert run.errors == ["key 'two words' cannot be cited in LaTeX"], run.summary()


def test_no_keys_is_a_mistake(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no keys"):
        check_with_bibtex(write_bib(tmp_path, GOOD), [], tmp_path / "work")


def test_many_keys_are_cited_in_chunks(tmp_path: Path) -> None:
    entries = "".join(GOOD.replace("good", f"key:{n}") for n in range(250))
    keys = [f"key:{n}" for n in range(250)]
    run = check_with_bibtex(write_bib(tmp_path, entries), keys, tmp_path / "work")
    assert run.ok, run.summary()
    tex = (tmp_path / "work" / "texcheck.tex").read_text(encoding="utf-8")
    assert tex.count("\\cite{") == 25
