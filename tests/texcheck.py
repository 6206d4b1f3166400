"""Check a .bib file with the real tools: pdflatex with BibTeX, or pdflatex with biblatex and Biber.

`check_with_bibtex` and `check_with_biber` write a small LaTeX document into a work folder that
cites every given key, run the tool chain there and read what the tools printed:

    bibtex:  pdflatex -> bibtex -> pdflatex -> pdflatex
    biber:   pdflatex -> biber -> pdflatex (-> pdflatex when biblatex asks for one more run)

`TexRun.ok` is true only when every step exited 0, no error was found in the output and every
cited key ended up in the bibliography. The tools come from Debian's TeX Live packages, which
scripts/ensure-tex.sh installs (`make test` runs it).

How the tools report trouble (TeX Live 2022 / Biber 2.18, as packaged in Debian 12):
- bibtex exits 0 when it printed only warnings (even "I didn't find a database entry"), 2 when
  it printed error messages, 3 on a fatal error. Its error messages name their place on the
  same line ("I was expecting a `,' or a `}'---line 3 of file refs.bib") or on the next one
  ("Case mismatch error between cite keys DUP and dup" + "---line 3 of file x.aux"; a style
  error is followed by "while executing---line 1049 of file plain.bst"); an undefined @string
  macro is a "Warning--" followed by "--line 4 of file refs.bib" (two dashes).
- bibtex silently skips any text between entries, so a value that closes its entry early and
  injects `@preamble{...}` is not a BibTeX error at all: only LaTeX, reading the .bbl, notices.
- biber exits 2 when it logged an ERROR and then writes no .bbl at all; it names a .bib syntax
  error by a temporary UTF-8 copy of the file (biber_tmp_XXXX/<hash>.utf8), which is replaced
  here by the .bib's name. A missing entry, a duplicate key and an undefined macro are only WARN
  lines, and with \\nocite{*} biber does not report missing keys at all.
- pdflatex with -halt-on-error stops at the first "! ..." error and exits 1.

- bibtex matches keys without regard to case (crossref = {WHOLE-JOURNAL} finds whole-journal in
  xampl.bib), biber with regard to it (the crossref is "not found", a WARN).

Beyond the tools' own errors, these count as errors here: undefined citations (LaTeX's
"Citation `x' on page 1 undefined", biblatex's "Citation 'x' ...", "There were undefined
references"); bibtex's and biber's "I didn't find a database entry" (for a cited key, or for
the target of a crossref, which bibtex itself calls "A bad cross reference", an error); a
duplicate entry key and an undefined @string macro in biber (bibtex already calls a duplicate
an error); an undefined @string macro in bibtex (the field silently comes out empty).

The document loads T1 fontenc and utf8 inputenc, as a pdflatex user would. pdflatex runs in
draft mode (no PDF is written, so no font but the metrics is read): layout and every message
are the same. Biber runs with --output-safechars, as its manual advises pdflatex users: it
writes LaTeX macros for the accented letters it knows. Without it biber's UTF-8 output can hold
combining accents ({\\=P} in xampl.bib becomes P + U+0304) that inputenc cannot typeset, a limit
of pdflatex rather than of the .bib; a letter with no macro (Cyrillic, say) still comes out as
UTF-8, and LaTeX's error names it ("Unicode character М (U+041C) not set up for use with LaTeX").
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

# Time for a whole check, all steps together; a step that runs past it is killed.
CHECK_TIMEOUT = 90.0
TOOLS = ("pdflatex", "bibtex", "biber", "kpsewhich")
DOCUMENT = "texcheck"  # the .tex, .aux, .bbl, ... in the work folder
BIB_NAME = "texcheck-refs"  # the .bib is copied there under this name
KEYS_PER_CITE = 10

# kpathsea reads these from the environment: no wrapping of TeX's log lines at 79 characters.
_TEX_ENV = {"max_print_line": "10000", "error_line": "254", "half_error_line": "238"}


@dataclass(frozen=True)
class TexRun:
    ok: bool  # every step exited 0, no errors found, every cited key resolved
    errors: list[str]  # bibtex/biber/LaTeX errors, undefined citations
    warnings: list[str]  # bibtex "Warning--", biber WARN, LaTeX warnings
    log: str  # everything the tools printed, for assertion messages

    def summary(self) -> str:
        """Errors and warnings, one a line, for an assertion message."""
        lines = [f"ok={self.ok}", "errors:"]
        lines += [f"  {line}" for line in self.errors] or ["  (none)"]
        lines.append("warnings:")
        lines += [f"  {line}" for line in self.warnings] or ["  (none)"]
        return "\n".join(lines)


@functools.cache
def missing_tools() -> tuple[str, ...]:
    """The tools (and biblatex.sty) that are not installed; empty when all are."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not missing:
        found = subprocess.run(
            ["kpsewhich", "biblatex.sty"], capture_output=True, text=True, check=False
        )
        if not found.stdout.strip():
            missing.append("biblatex.sty")
    return tuple(missing)


def check_with_bibtex(
    bib: Path, keys: Sequence[str], workdir: Path, style: str = "plain"
) -> TexRun:
    """Cite `keys` from `bib` with \\bibliographystyle{style}; run pdflatex, bibtex, pdflatex x2."""
    check = _Check(workdir, keys)
    check.write_document(
        bib,
        preamble="",
        ending=f"\\bibliographystyle{{{style}}}\n\\bibliography{{{BIB_NAME}}}\n",
    )
    # A bibtex error (exit 2) still leaves a .bbl of what it could read: LaTeX may find more.
    if (
        check.pdflatex(final=False)
        and check.step(["bibtex", DOCUMENT], _parse_bibtex) in (0, 2)
        and check.pdflatex(final=False)
    ):
        check.pdflatex(final=True)
    return check.result(_bibtex_resolved)


def check_with_biber(bib: Path, keys: Sequence[str], workdir: Path) -> TexRun:
    """Cite `keys` from `bib` with biblatex; run pdflatex, biber, pdflatex."""
    check = _Check(workdir, keys)
    check.write_document(
        bib,
        preamble=f"\\usepackage[backend=biber]{{biblatex}}\n\\addbibresource{{{BIB_NAME}.bib}}\n",
        ending="\\printbibliography\n",
    )
    # --noconf: no biber.conf of the user's or the folder's changes what is checked.
    biber = ["biber", "--noconf", "--output-safechars", DOCUMENT]
    if (
        check.pdflatex(final=False)
        and check.step(biber, _parse_biber) == 0
        and check.pdflatex(final=True)
        and check.rerun_requested
    ):
        # biblatex asks for one more run to settle its labels; until then it also says "There
        # were undefined references" though every citation is defined.
        check.pdflatex(final=True)
    return check.result(_biber_resolved)


# What each tool printed, sorted into errors and warnings.


@dataclass
class _Messages:
    errors: list[str]
    warnings: list[str]


# Every bibtex error message has a "---" ("Repeated entry---line 2 of file refs.bib", "A bad
# cross reference---entry", "Sorry---you've exceeded BibTeX's ..."); warnings have two dashes.
_BIBTEX_CONTINUED = ("---", "--line ", "while executing---", "refers to entry ")


def _parse_bibtex(output: str, _final: bool) -> _Messages:
    messages = _Messages([], [])
    lines: list[str] = []
    for line in output.splitlines():
        if lines and line.startswith(_BIBTEX_CONTINUED):
            lines[-1] += " " + line  # the place of the message on the line before
        else:
            lines.append(line)
    for line in lines:
        if line.startswith("Warning--"):
            if "I didn't find a database entry" in line or re.search(
                r"string name .* is undefined", line
            ):
                messages.errors.append(line)
            else:
                messages.warnings.append(line)
        elif "---" in line:
            messages.errors.append(line)
    return messages


_BIBER_TMP_COPY = re.compile(r"\S*biber_tmp_\w+/\w+\.utf8")
_BIBER_ERROR_WARNINGS = ("I didn't find a database entry", "Duplicate entry key", "undefined macro")


def _parse_biber(output: str, _final: bool) -> _Messages:
    messages = _Messages([], [])
    for raw in output.splitlines():
        line = _BIBER_TMP_COPY.sub(f"{BIB_NAME}.bib", raw)
        if line.startswith("ERROR - "):
            messages.errors.append(line)
        elif line.startswith("WARN - "):
            if any(text in line for text in _BIBER_ERROR_WARNINGS):
                messages.errors.append(line)
            else:
                messages.warnings.append(line)
    return messages


_LATEX_WARNING = re.compile(
    r"^(?:LaTeX(?: Font)? Warning|Package [\w.-]+ Warning|Class [\w.-]+ Warning|pdfTeX warning"
    r"|Missing character: )"
)
_LATEX_CONTINUED = re.compile(r"^\([\w.-]+\)\s+")  # "(biblatex)      in the database:"
_UNDEFINED = re.compile(
    r"Citation [`'].*' (?:on page \S+ )?undefined|There were undefined (?:references|citations)"
    r"|The following entry could not be found|Reference [`'].*' (?:on page \S+ )?undefined"
)
_IGNORED_WARNINGS = ("\\pdfdraftmode enabled",)  # draft mode's own notice
_RERUN = ("Please rerun LaTeX", "Rerun to get")


def _parse_latex(output: str, final: bool) -> _Messages:
    """LaTeX's "! ..." errors from every run; warnings and undefined citations from the last."""
    messages = _Messages([], [])
    lines = output.splitlines()
    warnings: list[str] = []
    in_warning = False
    for number, line in enumerate(lines):
        if in_warning and _LATEX_CONTINUED.match(line):
            warnings[-1] += " " + _LATEX_CONTINUED.sub("", line)
            continue
        in_warning = bool(_LATEX_WARNING.match(line))
        if in_warning:
            warnings.append(line)
        elif line.startswith("! ") and not line.startswith("!  ==> Fatal error"):
            messages.errors.append(_latex_error(lines, number))
        elif line.startswith("*** ("):  # "*** (job aborted, no legal \end found)"
            messages.errors.append(line)
    if final:
        for warning in warnings:
            if _UNDEFINED.search(warning):
                messages.errors.append(warning)
            elif not any(text in warning for text in _IGNORED_WARNINGS):
                messages.warnings.append(warning)
    return messages


def _latex_error(lines: list[str], start: int) -> str:
    """The "! ..." line, the lines that go on with it, and the "l.N ..." line that shows where."""
    text = lines[start]
    following = lines[start + 1 : start + 12]
    for line in following:
        if not line.strip():
            break
        if line.startswith("l."):
            break
        text += " " + line.strip()
    for line in following:
        if re.match(r"l\.\d+ ", line):
            text += f" [{line.strip()}]"
            break
    return text


# Every cited key must come out of the bibliography tool.


def _bibtex_resolved(workdir: Path) -> set[str]:
    aux = _read(workdir / f"{DOCUMENT}.aux")
    return set(re.findall(r"^\\bibcite\{(.*?)\}\{", aux, flags=re.MULTILINE))


def _biber_resolved(workdir: Path) -> set[str]:
    """Keys of the entries in the .bbl, and the other keys (`ids`) biber aliased to them."""
    bbl = _read(workdir / f"{DOCUMENT}.bbl")
    entries = set(re.findall(r"^\s*\\entry\{(.*?)\}\{", bbl, flags=re.MULTILINE))
    aliases = re.findall(r"^\s*\\keyalias\{(.*?)\}\{(.*?)\}", bbl, flags=re.MULTILINE)
    return entries | {alias for alias, key in aliases if key in entries}


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", "replace")
    except FileNotFoundError:
        return ""


# Running the steps.

_UNCITABLE = re.compile(r"[\s,{}%#\\]")


class _Check:
    def __init__(self, workdir: Path, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("no keys to cite: a check needs at least one")
        if missing := missing_tools():
            raise RuntimeError(
                f"not installed: {', '.join(missing)}; run `sh scripts/ensure-tex.sh` "
                "(`make test` does)"
            )
        self.workdir = workdir
        self.errors: list[str] = []
        self.warnings: list[str] = []
        # Warnings and undefined citations of the last LaTeX run only.
        self.final = _Messages([], [])
        self.log: list[str] = []
        self.completed = False
        self.rerun_requested = False
        self.deadline = time.monotonic() + CHECK_TIMEOUT
        self.keys = list(dict.fromkeys(keys))
        # A key LaTeX cannot cite is the caller's finding, not a reason to write a broken .tex.
        for key in self.keys:
            if not key or _UNCITABLE.search(key):
                self.errors.append(f"key {key!r} cannot be cited in LaTeX")
        self.cited = [key for key in self.keys if key and not _UNCITABLE.search(key)]
        self.env = {**os.environ, **_TEX_ENV, "TMPDIR": str(workdir), "LC_ALL": "C.UTF-8"}

    def write_document(self, bib: Path, preamble: str, ending: str) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        target = self.workdir / f"{BIB_NAME}.bib"
        if bib.resolve() != target.resolve():
            shutil.copyfile(bib, target)
        for stale in (".aux", ".bbl", ".bcf", ".blg", ".log", ".run.xml"):
            (self.workdir / f"{DOCUMENT}{stale}").unlink(missing_ok=True)
        cites = [
            "\\cite{" + ",".join(self.cited[i : i + KEYS_PER_CITE]) + "}\n"
            for i in range(0, len(self.cited), KEYS_PER_CITE)
        ]
        (self.workdir / f"{DOCUMENT}.tex").write_text(
            "\\documentclass{article}\n"
            "\\usepackage[T1]{fontenc}\n"
            "\\usepackage[utf8]{inputenc}\n"
            f"{preamble}"
            "\\begin{document}\n"
            f"{''.join(cites)}"
            f"{ending}"
            "\\end{document}\n",
            encoding="utf-8",
        )

    def pdflatex(self, *, final: bool) -> bool:
        command = [
            "pdflatex",
            "-interaction=nonstopmode",
            "-halt-on-error",
            "-draftmode",
            "-no-shell-escape",
            DOCUMENT,
        ]
        transcript = self.workdir / f"{DOCUMENT}.log"
        ok = self.step(command, _parse_latex, final=final, transcript=transcript) == 0
        self.completed = ok and final
        return ok

    def step(
        self,
        command: list[str],
        parse: Callable[[str, bool], _Messages],
        *,
        final: bool = False,
        transcript: Path | None = None,
    ) -> int | None:
        """Run one tool; its exit status, or None when it had to be killed.

        With a transcript (TeX's .log), that is read instead of what the tool printed: it holds
        all of that and more ("Missing character: There is no ... in font ...!").
        """
        if transcript is not None:
            transcript.unlink(missing_ok=True)
        started = time.monotonic()
        process = subprocess.Popen(
            command,
            cwd=self.workdir,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        status: int | None
        try:
            output, _ = process.communicate(timeout=max(self.deadline - started, 1.0))
            status = process.returncode
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            status = None
        if transcript is not None and transcript.exists():
            output = transcript.read_bytes()
        text = output.decode("utf-8", "replace")
        elapsed = time.monotonic() - started
        self.log.append(f"$ {' '.join(command)}  [exit {status}, {elapsed:.2f} s]\n{text}")
        messages = parse(text, final)
        if status is None:
            messages.errors.append(f"{command[0]} did not finish within {CHECK_TIMEOUT:.0f} s")
        elif status != 0:
            messages.errors.append(f"{command[0]} exited with status {status}")
        if final:
            self.final = messages
            self.rerun_requested = any(marker in text for marker in _RERUN)
        else:
            self.errors += messages.errors
            self.warnings += messages.warnings
        return status

    def result(self, resolved: Callable[[Path], set[str]]) -> TexRun:
        errors = self.errors + self.final.errors
        if self.completed:
            found = resolved(self.workdir)
            named = set(re.findall(r"[`'\"]([^`'\"\s]+)['\"]", "\n".join(errors)))
            errors += [
                f"key {key!r} did not come out in the bibliography"
                for key in self.cited
                if key not in found and key not in named
            ]
        elif not errors:
            errors.append("the tool chain stopped before its last step")
        return TexRun(
            ok=self.completed and not errors,
            errors=errors,
            warnings=self.warnings + self.final.warnings,
            log="\n".join(self.log),
        )
