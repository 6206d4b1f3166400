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


GOOD = "@article{good, author = {Doe, Jane}, title = {A Title}, journal = {J}, year = 2000}\n"

# Small files made here, each with one kind of trouble (or none), and the keys to cite.
CASES: dict[str, tuple[str, list[str]]] = {
    "good": (GOOD, ["good"]),
    "unbalanced": (
        GOOD
        + "@article{unbalanced, author = {Roe, Rick}, title = {An {unbalanced title},\n"
        + "  journal = {J}, year = 2001}\n\n"
        + "@article{after, author = {Poe, Pat}, title = {After}, journal = {J}, year = 2002}\n",
        ["good", "unbalanced", "after"],
    ),
    # A title that closes its entry and opens @preamble, as a careless exporter would let it.
    "injected": (
        GOOD
        + "@article{injected, author = {Roe, Rick}, title = {Innocent}\n}\n"
        + '@preamble{"\\injectedmacro"}\n@misc{rest, note = {}, year = 2001}\n',
        ["good", "injected"],
    ),
    "missing": (GOOD, ["good", "nosuchkey"]),
    "duplicate": (GOOD + GOOD, ["good"]),
    "undefined-macro": (GOOD.replace("journal = {J}", "journal = nosuchjournal"), ["good"]),
}


def write_bib(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    bib = folder / "input.bib"
    bib.write_text(text, encoding="utf-8")
    return bib


Runs = dict[tuple[str, str], TexRun]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    """Every fixture and case through both tool chains, side by side: a biber check takes 1.5
    to 2.5 s, nearly all of it in one process at a time, so the cores share the work."""
    jobs = {}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for tool in ("biber", "bibtex"):  # the longer checks first
            check = CHECKS[tool]
            for name in sorted({name for name, _ in EXPECTED}):
                bib = FIXTURES / name
                workdir = tmp_path_factory.mktemp(f"{tool}-{bib.stem}")
                jobs[name, tool] = pool.submit(check, bib, keys_of(bib), workdir)
            for name, (text, keys) in CASES.items():
                folder = tmp_path_factory.mktemp(f"{tool}-{name}")
                jobs[name, tool] = pool.submit(
                    check, write_bib(folder, text), keys, folder / "work"
                )
    return {job: future.result() for job, future in jobs.items()}


def test_every_fixture_has_an_expected_outcome() -> None:
    names = {path.name for path in FIXTURES.glob("*.bib")}
    assert {(name, tool) for name in names for tool in CHECKS} == set(EXPECTED)


def test_fixtures_are_small_and_have_entries() -> None:
    for bib in FIXTURES.glob("*.bib"):
        assert bib.stat().st_size < 62_000, bib.name
        assert keys_of(bib), bib.name


@pytest.mark.parametrize(("name", "tool"), sorted(EXPECTED))
def test_real_world_fixture(runs: Runs, name: str, tool: str) -> None:
    run = runs[name, tool]
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


def test_warnings_alone_do_not_fail_a_check(runs: Runs) -> None:
    """bibtex exits 0 after warnings; the check passes and keeps them."""
    run = runs["xampl.bib", "bibtex"]
    assert run.ok
    assert "Warning--empty author in whole-journal" in run.warnings
    assert "[exit 0," in run.log.split("$ bibtex", 1)[1].splitlines()[0]


def test_the_log_has_every_step(runs: Runs) -> None:
    steps = {
        "bibtex": ["pdflatex", "bibtex", "pdflatex", "pdflatex"],
        "biber": ["pdflatex", "biber", "pdflatex"],
    }
    for tool, expected in steps.items():
        log = runs["texnique.bib", tool].log
        ran = [line.split()[1] for line in log.splitlines() if line.startswith("$ ")]
        assert ran[: len(expected)] == expected, log


def errors_starting(run: TexRun, start: str) -> list[str]:
    return [error for error in run.errors if error.startswith(start)]


@pytest.mark.parametrize("tool", sorted(CHECKS))
def test_a_small_good_file_passes_without_a_warning(runs: Runs, tool: str) -> None:
    run = runs["good", tool]
    assert run.ok, run.summary()
    assert run.errors == [] and run.warnings == [], run.summary()


def test_an_unbalanced_brace_fails(runs: Runs) -> None:
    bibtex, biber = runs["unbalanced", "bibtex"], runs["unbalanced", "biber"]
    assert not bibtex.ok
    assert errors_starting(bibtex, "I was expecting a `,' or a `}'---line 5 of file"), bibtex.log
    assert "bibtex exited with status 2" in bibtex.errors
    assert not biber.ok
    assert errors_starting(biber, "ERROR - BibTeX subsystem: texcheck-refs.bib, line 5, syntax")
    # biber wrote no .bbl, so LaTeX did not run again.
    assert biber.errors[-1] == "biber exited with status 2", biber.summary()


def test_a_value_that_injects_a_preamble_fails(runs: Runs) -> None:
    """bibtex skips the text between entries without a word; LaTeX then runs the preamble."""
    bibtex, biber = runs["injected", "bibtex"], runs["injected", "biber"]
    assert not bibtex.ok and not biber.ok
    assert errors_starting(bibtex, "! Undefined control sequence. [l.1 \\injectedmacro]")
    assert errors_starting(biber, "! Undefined control sequence. \\abx@preamble ->\\injected")
    assert "pdflatex exited with status 1" in bibtex.errors + biber.errors


def test_a_missing_key_fails(runs: Runs) -> None:
    bibtex, biber = runs["missing", "bibtex"], runs["missing", "biber"]
    assert not bibtex.ok and not biber.ok
    for start in [
        'Warning--I didn\'t find a database entry for "nosuchkey"',
        "LaTeX Warning: Citation `nosuchkey' on page 1 undefined",
        "LaTeX Warning: There were undefined references.",
    ]:
        assert errors_starting(bibtex, start), bibtex.summary()
    for start in [
        "WARN - I didn't find a database entry for 'nosuchkey' (section 0)",
        "Package biblatex Warning: The following entry could not be found in the database:",
        "LaTeX Warning: Citation 'nosuchkey' on page 1 undefined",
    ]:
        assert errors_starting(biber, start), biber.summary()
    # Every tool exited 0: only the messages tell.
    assert not [error for error in bibtex.errors + biber.errors if "exited" in error]


def test_a_duplicate_key_fails(runs: Runs) -> None:
    bibtex, biber = runs["duplicate", "bibtex"], runs["duplicate", "biber"]
    assert not bibtex.ok and not biber.ok
    assert errors_starting(bibtex, "Repeated entry---line 2 of file texcheck-refs.bib")
    assert errors_starting(biber, "WARN - Duplicate entry key: 'good' in file 'texcheck-refs")


def test_an_undefined_string_macro_fails(runs: Runs) -> None:
    """Both tools only warn and typeset the entry without its journal; here it is an error."""
    bibtex, biber = runs["undefined-macro", "bibtex"], runs["undefined-macro", "biber"]
    assert not bibtex.ok and not biber.ok
    assert errors_starting(bibtex, 'Warning--string name "nosuchjournal" is undefined --line 1')
    assert [e for e in biber.errors if 'warning: undefined macro "nosuchjournal"' in e]


def test_latex_that_waits_for_input_fails_at_once(tmp_path: Path) -> None:
    """Both chains run LaTeX alike: bibtex's shows that nothing waits at a prompt."""
    bib = write_bib(tmp_path, '@preamble{"\\read16 to \\answer"}\n' + GOOD)
    run = check_with_bibtex(bib, ["good"], tmp_path / "work")
    assert not run.ok
    assert errors_starting(run, "! Emergency stop. <read *>"), run.summary()


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
