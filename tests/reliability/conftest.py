"""Shared helpers of the reliability suite: real `curator` processes on temporary catalogs,
generated listings, and what a catalog holds, read straight from its file.

`make test` runs the suite at a scale that fits CI; `CURATOR_RELIABILITY=full` (`make
reliability`) runs the long version. Verdicts never depend on timing: a test waits on a state
(a file written, a process gone), and a clock only chooses where a kill lands.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

FULL = os.environ.get("CURATOR_RELIABILITY") == "full"
HANG_S = 600  # only a real hang reaches it: machines here are shared and loaded
SCRIPT = Path(sys.executable).with_name("curator")  # the installed command itself

State = dict[str, list[tuple[Any, ...]]]

# What the tests did (kills, calls, examples), by subject, printed after the run.
FIGURES: dict[str, str] = {}


def scale(default: int, full: int) -> int:
    """The default (CI) size of a run, or its full (`make reliability`) size."""
    return full if FULL else default


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if FIGURES:
        terminalreporter.section("reliability figures")
        for subject, line in FIGURES.items():
            terminalreporter.write_line(f"{subject}: {line}")


# --- processes ----------------------------------------------------------------------------


def curator_command() -> list[str]:
    return [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "curator"]


def user_env(home: Path) -> dict[str, str]:
    """The environment of a `curator` process: its own home, never the real user's catalog,
    settings, logs or backups."""
    env = dict(os.environ)
    env.pop("CURATOR_DB", None)
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
        QT_QPA_PLATFORM="offscreen",
    )
    return env


@dataclass(frozen=True, slots=True)
class Run:
    """How one `curator` process ended: its exit status (minus a signal if killed), outputs."""

    argv: tuple[str, ...]
    code: int
    out: str
    err: str

    @property
    def killed(self) -> bool:
        return self.code == -signal.SIGKILL

    def describe(self) -> str:
        return f"curator {' '.join(self.argv)} -> {self.code}\n{self.out[-2000:]}{self.err[-2000:]}"


def assert_clean(run: Run, refusals: Sequence[str] = ()) -> None:
    """A process that was not killed ended well (0), or refused with a plain message (1)
    containing one of `refusals`; never a traceback or an internal error (2)."""
    assert "Traceback" not in run.err and "internal error" not in run.err, run.describe()
    if run.killed:
        return
    if run.code == 1 and any(r in run.err for r in refusals):
        return
    assert run.code == 0, run.describe()


def run_cli(db: Path, *args: str, env: dict[str, str], refusals: Sequence[str] = ()) -> Run:
    """`curator --db DB ARGS...` to its end, checked with `assert_clean`."""
    argv = ("--db", str(db), *args)
    done = subprocess.run(
        [*curator_command(), *argv], capture_output=True, text=True, env=env, timeout=HANG_S
    )
    run = Run(argv, done.returncode, done.stdout, done.stderr)
    assert_clean(run, refusals)
    return run


# --- generated listings ---------------------------------------------------------------------

_WORDS = (
    "adaptive", "bayesian", "causal", "graph", "gradient", "kernel", "lattice", "learning",
    "memory", "neural", "proof", "quantum", "robust", "sparse", "spectral", "stochastic",
    "theorem", "vision", "language", "retrieval",
)  # fmt: skip


def tag_for(n: int) -> str:
    """A short tag of letters only (digits in a venue label read as a year), unique per `n`."""
    letters = ""
    n += 26 * 27  # always three letters or more
    while n:
        n, rest = divmod(n, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[rest] + letters
    return letters


def bibtex_listing(tag: str, n: int, seed: int = 0) -> str:
    """`n` BibTeX entries whose keys and titles carry `tag`, under two labels of one venue
    (one with a presentation note: a sure venue suggestion once imported)."""
    rng = random.Random(f"{tag}:{seed}")
    venue = f"Symposium on {tag.capitalize()} Systems"
    entries = []
    for i in range(n):
        title = " ".join(rng.choice(_WORDS) for _ in range(6)).capitalize()
        authors = " and ".join(
            f"{rng.choice(_WORDS).capitalize()} {tag.capitalize()}{rng.randrange(400)}"
            for _ in range(rng.randint(1, 4))
        )
        fields = [
            f"  title = {{{title} {tag} {i}}}",
            f"  author = {{{authors}}}",
            f"  booktitle = {{{venue}{' (Spotlight)' if i % 3 == 0 else ''}}}",
            f"  year = {{{1990 + i % 30}}}",
            f"  pages = {{{i + 1}--{i + 12}}}",
        ]
        if i % 4 == 0:
            fields.append(f"  doi = {{10.5555/{tag}.{i}}}")
        if i % 5 == 0:
            fields.append(f"  abstract = {{{' '.join(rng.choices(_WORDS, k=40))}}}")
        entries.append(f"@inproceedings{{{tag}{i},\n" + ",\n".join(fields) + "\n}\n")
    return "\n".join(entries)


def write_listing(folder: Path, tag: str, n: int) -> Path:
    path = folder / f"{tag}.bib"
    path.write_text(bibtex_listing(tag, n), encoding="utf-8")
    return path


# --- a catalog, read straight from its file ---------------------------------------------------


def connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=HANG_S, isolation_level=None)


def query(path: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    conn = connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def scalar(path: Path, sql: str, *params: object) -> Any:
    return query(path, sql, *params)[0][0]


def assert_sound(path: Path) -> None:
    """SQLite finds nothing wrong: pages, indexes and every foreign key."""
    conn = connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def schema(path: Path) -> set[tuple[str, str, str | None]]:
    """Tables, indexes and triggers: a killed bulk import must leave its trigger in place."""
    rows = query(path, "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
    return {(t, n, s) for t, n, s in rows}


# The log grows with every step (undo appends); the schema version and such are the file's own.
# Kept scan results are a cache; a work's row version moves on with every update, undo's too.
_SKIPPED = {"event", "meta", "sqlite_sequence", "scanresult"}
_MOVES_ON = {"work": "version"}


def catalog_state(path: Path) -> State:
    """Every table's rows in a canonical order (sorted, not in storage order), the full-text
    index by work id; the event log aside. Two catalogs with equal states hold the same
    catalog, whatever their files' bytes."""
    conn = connect(path)
    try:
        master = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
        tables = {name: sql or "" for name, sql in master}
        virtual = [n for n, sql in tables.items() if sql.upper().startswith("CREATE VIRTUAL")]
        found: State = {}
        for name in sorted(tables):
            if name in _SKIPPED or any(name.startswith(f"{v}_") for v in virtual):
                continue  # a full-text index's own tables differ with its history
            columns = "rowid, *" if name in virtual else "*"
            if name in _MOVES_ON:
                names = [r[1] for r in conn.execute(f'PRAGMA table_info("{name}")')]
                columns = ", ".join(c for c in names if c != _MOVES_ON[name])
            rows = conn.execute(f'SELECT {columns} FROM "{name}"').fetchall()
            found[name] = sorted(rows, key=repr)
        return found
    finally:
        conn.close()


def digests(state: State) -> dict[str, str]:
    """A short fingerprint of each table of a state, to keep many states in memory."""
    return {
        name: hashlib.sha256(repr(rows).encode()).hexdigest()[:16] for name, rows in state.items()
    }


def differing(a: dict[str, str], b: dict[str, str]) -> list[str]:
    return sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))


def crash_image(path: Path, into: Path) -> Path:
    """A copy of the catalog's files as a crash left them (the file and its write-ahead log),
    to check without touching the original: the next `curator` recovers it by itself."""
    into.mkdir(parents=True, exist_ok=True)
    for stale in into.glob(f"{path.name}*"):
        stale.unlink()
    shutil.copyfile(path, into / path.name)
    wal = path.with_name(f"{path.name}-wal")
    if wal.exists():
        shutil.copyfile(wal, into / wal.name)
    return into / path.name


def copy_catalog(source: Path, target: Path) -> Path:
    """A fresh copy of a closed catalog (no write-ahead log left: its last process folded it)."""
    assert not source.with_name(f"{source.name}-wal").exists()
    shutil.copyfile(source, target)
    return target


def normalized_export(text: str) -> str:
    """An exported file without its first line, which says when it was written."""
    return "\n".join(line for line in text.split("\n") if not line.startswith("% Exported by"))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def env(home: Path) -> dict[str, str]:
    return user_env(home)
