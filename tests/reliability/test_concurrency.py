"""Several programs writing one catalog at once: `curator edit` loops in two processes, a third
importing, merging, accepting venues and exporting, and the window open on the same file,
refreshing and saving its own edits. Afterwards nothing acknowledged is lost, the catalog is
sound, and every process ended well or refused plainly ("busy"): never a traceback.

The commands run as children of a process that has imported the command line (and now and
then as the installed script itself): what is tested is their writing, not Python's start."""

from __future__ import annotations

import itertools
import re
import sys
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from curator.domain.errors import CuratorError
from curator.services import works
from curator.services.catalogs import open_default
from curator.ui.main_window import MainWindow
from tests.reliability.conftest import (
    FIGURES,
    HANG_S,
    Run,
    assert_clean,
    assert_sound,
    query,
    run_cli,
    scalar,
    scale,
    tag_for,
    write_listing,
)
from tests.reliability.killing import Launcher

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]

ROUNDS = scale(1, 6)  # each on a fresh catalog; about 300 writes in all at full length
EDITS = scale(6, 20)  # per editing process and round
STEPS = scale(5, 10)  # imports, merges, venue accepts and exports, in turn
WINDOW_EDITS = scale(4, 8)
BUSY = "busy"  # the plain refusal of a write that waited too long for another's
Lane = Generator[tuple[str, ...], Run, None]  # sends commands, receives how each ended


@dataclass
class Ledger:
    """What was acknowledged (exit 0), by whom, and what was refused."""

    notes: dict[int, str | None] = field(default_factory=dict)  # witness work -> last value
    events: dict[str, int] = field(default_factory=dict)  # kind -> acknowledged steps
    imports: dict[str, int] = field(default_factory=dict)  # file -> records
    absorbed: set[int] = field(default_factory=set)  # works merged away
    exports: int = 0
    calls: int = 0
    refused: int = 0

    def acknowledged(self, kind: str) -> None:
        self.events[kind] = self.events.get(kind, 0) + 1


def outcome(run: Run, ledger: Ledger, refusals: tuple[str, ...] = ()) -> bool:
    """Whether the command was acknowledged; a refusal must be a plain one."""
    ledger.calls += 1
    assert_clean(run, (BUSY, *refusals))
    if run.code:
        ledger.refused += 1
    return run.code == 0


def editor(db: Path, witnesses: tuple[int, ...], name: str, ledger: Ledger) -> Lane:
    for n in range(EDITS):
        work = witnesses[n % len(witnesses)]
        value = f"{name} {n}"
        run = yield ("--db", str(db), "edit", str(work), "--set", f"notes={value}")
        if outcome(run, ledger):
            ledger.notes[work] = value
            ledger.acknowledged("edit")


def steps(db: Path, folder: Path, witnesses: set[int], ledger: Ledger) -> Lane:
    """Imports (holding the write lock for a while), merges, venue accepts and exports."""
    for n in range(STEPS):
        kind = ("import", "merge", "import", "venue", "export")[n % 5]
        if kind == "import":
            listing = write_listing(folder, tag_for(100 + n), 800)
            if outcome((yield ("--db", str(db), "import", str(listing))), ledger):
                ledger.imports[listing.name] = 800
                ledger.acknowledged("import")
        elif kind == "merge":
            newest = query(db, "SELECT id FROM work ORDER BY id DESC LIMIT 50")
            keep, gone = [w for (w,) in newest if w not in witnesses][:2]
            argv = ("--db", str(db), "merge", str(keep), str(gone), "--keep", str(keep), "--force")
            if outcome((yield argv), ledger):
                ledger.absorbed.add(gone)
                ledger.acknowledged("merge")
        elif kind == "venue":
            run = yield ("--db", str(db), "venue-accept", "--all-sure")
            if outcome(run, ledger, ("no sure venue suggestions",)):
                ledger.acknowledged("venue")
        else:
            target = folder / f"export{n}.bib"
            if outcome((yield ("--db", str(db), "export", "-o", str(target))), ledger):
                check_export(target)
                ledger.exports += 1


def check_export(path: Path) -> None:
    """A complete file: as many entries as its header says it has."""
    text = path.read_text(encoding="utf-8")
    said = re.search(r"^% (\d+) entr(?:y|ies);", text, re.M)
    assert said, "the export has no header"
    assert len(re.findall(r"^@\w+\{", text, re.M)) == int(said[1]), "the export is cut short"


def drive(
    lanes: list[Lane], launcher: Launcher, meanwhile: Iterator[None], pause: Callable[[], None]
) -> None:
    """Run each lane's commands one after another, all lanes at once, as `curator`
    processes; between polls, `meanwhile` takes a step (the window's) and `pause` lets the
    window's events run."""
    running = [(lane, launcher.start(next(lane))) for lane in lanes]
    deadline = time.monotonic() + HANG_S * 4
    while running:
        assert time.monotonic() < deadline, "the writers hang"
        for item in list(running):
            lane, process = item
            if process.running():
                continue
            running.remove(item)
            try:
                argv = lane.send(process.finish())
            except StopIteration:
                continue
            running.append((lane, launcher.start(argv)))
        next(meanwhile, None)
        pause()


def window_steps(window: MainWindow, witnesses: tuple[int, ...], ledger: Ledger) -> Iterator[None]:
    """The window, open all along: it reloads its table now and then, and saves an edit."""
    for tick in itertools.count():
        if tick % 10 == 0:
            window.refresh()
        if tick % 25 == 0 and tick // 25 < WINDOW_EDITS:
            work = witnesses[tick // 25 % len(witnesses)]
            value = f"window {tick // 25}"
            ledger.calls += 1
            try:
                works.edit_work(window.catalog, work, {"notes": value})
            except CuratorError as exc:
                assert BUSY in str(exc), exc
                ledger.refused += 1
            else:
                ledger.notes[work] = value
                ledger.acknowledged("edit")
        yield


@pytest.fixture
def catalog(tmp_path: Path, env: dict[str, str]) -> Path:
    db = tmp_path / "catalog.sqlite"
    run_cli(db, "seed", env=env)
    run_cli(db, "import", str(write_listing(tmp_path, tag_for(1), 300)), env=env)
    return db


TOTAL = Ledger()  # every round's, for the figures


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_writers_at_once_lose_nothing_with_the_window_open(
    qtbot: QtBot, catalog: Path, tmp_path: Path, env: dict[str, str], round_: int
) -> None:
    before = dict(query(catalog, "SELECT kind, count(*) FROM event GROUP BY kind"))
    works_before = scalar(catalog, "SELECT count(*) FROM work")
    ledger = Ledger()
    window = MainWindow(open_default(catalog))
    qtbot.addWidget(window)
    window.show()
    try:
        lanes = [
            editor(catalog, (1, 2, 3), "first", ledger),
            editor(catalog, (4, 5, 6), "second", ledger),
            steps(catalog, tmp_path, set(range(1, 10)), ledger),
        ]
        launcher = Launcher(env, tmp_path / "runs")
        try:
            drive(lanes, launcher, window_steps(window, (7, 8, 9), ledger), lambda: qtbot.wait(20))
        finally:
            launcher.close()
        window.refresh()
        total = scalar(catalog, "SELECT count(*) FROM work")
        qtbot.waitUntil(lambda: window.model.rowCount() == total, timeout=HANG_S * 1000)
    finally:
        window.editor.show_work(window.editor.work)  # nothing pending: closing never asks
        window.close()
        window.catalog.close()
    assert_sound(catalog)
    notes = dict(query(catalog, "SELECT id, notes FROM work WHERE id BETWEEN 1 AND 9"))
    assert {w: notes[w] for w in ledger.notes} == ledger.notes, "an acknowledged edit is lost"
    after = dict(query(catalog, "SELECT kind, count(*) FROM event GROUP BY kind"))
    for kind, n in ledger.events.items():
        assert after.get(kind, 0) - before.get(kind, 0) == n, f"{kind} steps lost or doubled"
    for name, n in ledger.imports.items():
        kept = "SELECT count(*) FROM sourcerecord WHERE source_file = ?"
        assert scalar(catalog, kept, name) == n, f"{name} is not all there"
    present = {w for (w,) in query(catalog, "SELECT id FROM work")}
    assert not ledger.absorbed & present, "a merged work came back"
    added = sum(ledger.imports.values()) - len(ledger.absorbed)
    assert len(present) == works_before + added
    TOTAL.calls, TOTAL.refused, TOTAL.exports = (
        TOTAL.calls + ledger.calls,
        TOTAL.refused + ledger.refused,
        TOTAL.exports + ledger.exports,
    )
    for kind, n in ledger.events.items():
        TOTAL.events[kind] = TOTAL.events.get(kind, 0) + n
    FIGURES["concurrency"] = (
        f"{TOTAL.calls} writes at once (window open), {round_ + 1} round(s): {TOTAL.refused} "
        f"refused as busy, {sum(TOTAL.events.values())} steps acknowledged "
        f"{dict(sorted(TOTAL.events.items()))}, {TOTAL.exports} exports complete"
    )
