"""kill -9 at random points of imports, merges, edits, venue steps, undo, redo and exports.

Each episode works on a fresh copy of one catalog, with a model of what it must hold: the
state before and after every step on the undo stack, the notes every acknowledged edit left,
the export file last written. After every process (killed or not), a copy of the files as they
were left must pass SQLite's integrity check, the step must be all-or-nothing (the catalog
is exactly as before, or it has the whole step and one more event), every edit acknowledged
(exit 0) is there, and the export file is the old one or a complete new one.
"""

from __future__ import annotations

import os
import random
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pytest

from tests.reliability.conftest import (
    FIGURES,
    HANG_S,
    Run,
    assert_clean,
    assert_sound,
    catalog_state,
    copy_catalog,
    crash_image,
    differing,
    digests,
    normalized_export,
    query,
    run_cli,
    scalar,
    scale,
    schema,
    tag_for,
    user_env,
    write_listing,
)
from tests.reliability.killing import (
    KillPoint,
    Launcher,
    Process,
    after,
    children,
    holds_open,
    kill_at,
    new_file,
    replaced,
    with_env,
    wrote,
)

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]

EPISODE_KILLS = 10  # kills on one copy of the catalog before a fresh one
EPISODES = scale(5, 100)  # 50 kills, or 1,000
LEDGER = (1, 2, 3, 4, 5, 6)  # works only edits change (never merged): the edits' witnesses
SIZES = (400, 1200, 2500, 5200)  # works per import; 5,200 takes the bulk path
WEIGHTS = {"import": 3, "merge": 2, "edit": 3, "venue": 1, "undo": 2, "redo": 1.5, "export": 2}
Digests = dict[str, str]


@dataclass(frozen=True, slots=True)
class Step:
    """A change on the undo stack: its event, the catalog before and after it, and for an edit
    the witness work with its notes before and after."""

    event_id: int
    before: Digests
    after: Digests
    edit: tuple[int, str | None, str | None] | None = None


@dataclass(slots=True)
class Plan:
    op: str
    argv: tuple[str, ...]
    kind: str  # the event a whole step adds
    points: list[Callable[[Process], KillPoint]]
    check: Callable[[Path], None] = lambda _image: None  # the whole step is there
    edit: tuple[int, str | None, str | None] | None = None
    refusals: tuple[str, ...] = ()  # an exit 1 that is a plain refusal, not a failure
    acknowledged: bool = True  # exit 0 means a step was recorded


@dataclass
class Episode:
    """One copy of the catalog and what it must hold."""

    folder: Path
    catalog: Path
    launcher: Launcher
    rng: random.Random
    baseline: int  # events of the template: never undone here
    now: Digests
    ledger: dict[int, str | None]
    export: bytes
    last_event: int = 0  # the newest event seen
    undo: list[Step] = field(default_factory=list)
    redo: list[Step] = field(default_factory=list)
    serial: int = 0
    log: list[str] = field(default_factory=list)
    states: set[tuple[tuple[str, str], ...]] = field(default_factory=set)  # every one seen
    backups: set[Path] = field(default_factory=set)  # those checked already

    @property
    def target(self) -> Path:
        return self.folder / "export.bib"

    @property
    def seen(self) -> Path:
        """The catalog as the last check saw it (plans read it, never the catalog itself)."""
        return self.folder / "image" / self.catalog.name

    def image(self) -> Path:
        return crash_image(self.catalog, self.folder / "image")


@dataclass
class Tally:
    kills: dict[str, int] = field(default_factory=dict)
    ended: dict[str, int] = field(default_factory=dict)
    landed: dict[str, int] = field(default_factory=dict)  # before writing, mid-write, after
    temp_files: int = 0
    episodes: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        return (
            f"{sum(self.kills.values())} kills in {self.episodes} episodes "
            f"{dict(sorted(self.kills.items()))}, landing {dict(sorted(self.landed.items()))}; "
            f"{sum(self.ended.values())} runs ended by "
            f"themselves {dict(sorted(self.ended.items()))}, {self.temp_files} export temporary "
            f"files left behind, {self.seconds / 60:.1f} min (seeds from {SEED})"
        )


# --- the template every episode copies ----------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """The sample listings and a generated one, every work given its citation key by an
    export (so later exports write nothing), and that export's text."""
    folder = tmp_path_factory.mktemp("template")
    env = user_env(folder / "home")
    path = folder / "catalog.sqlite"
    run_cli(path, "seed", env=env)
    run_cli(path, "import", str(write_listing(folder, tag_for(0), 300)), env=env)
    run_cli(path, "export", "-o", str(folder / "export.bib"), env=env)
    return path, (folder / "export.bib").read_bytes()


def start_episode(template: tuple[Path, bytes], folder: Path, seed: int) -> Episode:
    folder.mkdir(parents=True)
    path = copy_catalog(template[0], folder / "catalog.sqlite")
    (folder / "export.bib").write_bytes(template[1])
    image = crash_image(path, folder / "image")
    last = scalar(image, "SELECT max(id) FROM event")
    ep = Episode(
        folder=folder,
        catalog=path,
        launcher=Launcher(user_env(folder / "home"), folder / "runs"),
        rng=random.Random(seed),
        baseline=last,
        now=digests(catalog_state(image)),
        ledger=dict(query(image, f"SELECT id, notes FROM work WHERE id IN {LEDGER}")),
        export=template[1],
        last_event=last,
    )
    ep.states.add(tuple(sorted(ep.now.items())))
    return ep


# --- what each operation is, and where it may be killed -----------------------------------------

PointMaker = Callable[[Process], KillPoint]


def _common_points(ep: Episode, longest: float) -> list[PointMaker]:
    """Kill points any step has; what they compare with is taken now, before it starts."""
    wal_written = wrote(ep.catalog.with_name(f"{ep.catalog.name}-wal"))
    rng = ep.rng
    return [
        lambda p: KillPoint("opened", holds_open(p.pid, ep.catalog), jitter=longest / 4),
        lambda p: KillPoint("log written", wal_written),
        lambda p: KillPoint("log written, then a moment", wal_written, jitter=longest / 8),
        lambda p: KillPoint("a moment", after(rng.uniform(0, longest))),
    ]


def plan_import(ep: Episode) -> Plan:
    ep.serial += 1
    tag = tag_for(ep.serial + 1000 * ep.rng.randrange(1, 10**6))
    n = ep.rng.choice(SIZES[:-1] * 4 + SIZES[-1:])
    listing = write_listing(ep.folder, tag, n)
    works_before = scalar(ep.seen, "SELECT count(*) FROM work")

    def check(image: Path) -> None:
        records = "SELECT count(*) FROM sourcerecord WHERE source_file = ?"
        assert scalar(image, records, listing.name) == n
        assert scalar(image, "SELECT count(*) FROM work") == works_before + n

    return Plan("import", ("import", str(listing)), "import", _common_points(ep, 2.0), check)


def plan_merge(ep: Episode) -> Plan:
    works = [w for (w,) in query(ep.seen, "SELECT id FROM work") if w not in LEDGER]
    ids = ep.rng.sample(works, ep.rng.choice((2, 2, 3)))
    keep = ep.rng.choice(ids)

    def check(image: Path) -> None:
        present = {w for (w,) in query(image, "SELECT id FROM work")}
        assert keep in present and not (set(ids) - {keep}) & present

    argv = ("merge", *map(str, ids), "--keep", str(keep), "--force")
    return Plan("merge", argv, "merge", _common_points(ep, 0.5), check)


def plan_edit(ep: Episode) -> Plan:
    ep.serial += 1
    work = ep.rng.choice(LEDGER)
    value = f"witness {ep.serial}"
    argv = ("edit", str(work), "--set", f"notes={value}")
    return Plan("edit", argv, "edit", _common_points(ep, 0.5), edit=(work, ep.ledger[work], value))


def plan_venue(ep: Episode) -> Plan:
    venues = scalar(ep.seen, "SELECT count(*) FROM venue")

    def check(image: Path) -> None:
        assert scalar(image, "SELECT count(*) FROM venue") < venues

    argv = ("venue-accept", "--all-sure")
    points = _common_points(ep, 0.8)
    return Plan("venue", argv, "venue", points, check, refusals=("no sure venue suggestions",))


def plan_undo(ep: Episode) -> Plan:
    return Plan("undo", ("undo",), "undo", _common_points(ep, 0.8))


def plan_redo(ep: Episode) -> Plan:
    return Plan("redo", ("redo",), "redo", _common_points(ep, 0.8))


def plan_export(ep: Episode) -> Plan:
    target = ep.target
    pattern = f".{target.name}.*.tmp"
    part = int(len(ep.export) * ep.rng.uniform(0.05, 0.95))
    made, partly, renamed = (
        new_file(ep.folder, pattern),
        new_file(ep.folder, pattern, part),
        replaced(target),
    )
    points: list[PointMaker] = [
        lambda p: KillPoint("temporary file made", made),
        lambda p: KillPoint("temporary file partly written", partly),
        lambda p: KillPoint("file replaced", renamed),
        *_common_points(ep, 1.2),
    ]
    argv = ("export", "-o", str(target))
    return Plan("export", argv, "keys", points, acknowledged=False)


PLANS = {
    "import": plan_import,
    "merge": plan_merge,
    "edit": plan_edit,
    "venue": plan_venue,
    "undo": plan_undo,
    "redo": plan_redo,
    "export": plan_export,
}


def choose(ep: Episode) -> Plan:
    ops = [op for op in WEIGHTS if (op != "undo" or ep.undo) and (op != "redo" or ep.redo)]
    op = ep.rng.choices(ops, weights=[WEIGHTS[o] for o in ops])[0]
    return PLANS[op](ep)


# --- one attempt, and what must hold after it ---------------------------------------------------


def attempt(ep: Episode, plan: Plan, at_once: bool) -> Run:
    """Run the plan's command and kill it at one of its points (at once if `at_once`: a run
    that ended by itself twice in a row must not keep the loop from its kills)."""
    process = ep.launcher.start(("--db", str(ep.catalog), *plan.argv))
    point = plan.points[ep.rng.randrange(len(plan.points))](process)
    if at_once:
        point = KillPoint("at once", lambda: True)
    ep.log.append(f"{' '.join(plan.argv)} [{point.name}]")
    run = kill_at(process, point, ep.rng)
    ep.log[-1] += " killed" if run.killed else f" -> exit {run.code}"
    return run


Schema = set[tuple[str, str, str | None]]


def verify(ep: Episode, plan: Plan, run: Run, template_schema: Schema) -> bool:
    """Check everything after one process; whether it left a whole step."""
    assert_clean(run, plan.refusals)
    image = ep.image()
    assert_sound(image)
    assert schema(image) == template_schema, "the schema changed (a trigger lost?)"
    now = digests(catalog_state(image))
    new = query(
        image,
        "SELECT id, kind, state, json_extract(payload, '$.target') FROM event WHERE id > ?",
        ep.last_event,
    )
    if not new:  # nothing happened, not even in part
        assert differing(now, ep.now) == [], "a step that left no event changed the catalog"
        assert not (run.code == 0 and plan.acknowledged), "an acknowledged step is missing"
    else:
        assert len(new) == 1, f"one process left several events: {new}"
        event_id, kind, state, target = new[0]
        assert kind == plan.kind, f"{plan.op} left a {kind} event"
        _apply(ep, plan, image, now, (event_id, state, target))
        ep.last_event = event_id
    undone = {i for (i,) in query(image, "SELECT id FROM event WHERE state = 'undone'")}
    assert undone == {s.event_id for s in ep.redo}, "the redo stack is not what was undone"
    ep.now = now
    ep.states.add(tuple(sorted(now.items())))
    _check_backups(ep)
    found = dict(query(image, f"SELECT id, notes FROM work WHERE id IN {LEDGER}"))
    assert found == ep.ledger, "an acknowledged edit is missing (or one never made is there)"
    _check_export(ep, plan, image)
    return bool(new)


def _apply(
    ep: Episode, plan: Plan, image: Path, now: Digests, event: tuple[int, str | None, int | None]
) -> None:
    """The step is whole: it is what the model expects, and the model takes it in."""
    event_id, state, target = event
    if plan.op in ("undo", "redo"):
        source, into = (ep.undo, ep.redo) if plan.op == "undo" else (ep.redo, ep.undo)
        step = source.pop()
        assert target == step.event_id, f"{plan.op} took event {target}, not {step.event_id}"
        expected = step.before if plan.op == "undo" else step.after
        assert differing(now, expected) == [], f"{plan.op} did not give the catalog back exactly"
        into.append(step)
        if step.edit:
            work, old, new = step.edit
            ep.ledger[work] = old if plan.op == "undo" else new
        return
    assert state == "done"
    plan.check(image)
    ep.undo.append(Step(event_id, ep.now, now, plan.edit))
    ep.redo.clear()
    if plan.edit:
        ep.ledger[plan.edit[0]] = plan.edit[2]


def _check_backups(ep: Episode) -> None:
    """A backup a process made (daily, or before a bulk step) opens, is sound, and holds a
    catalog this episode had at some point: one snapshot, never half a step."""
    for path in sorted((ep.folder / "home").rglob("*.sqlite")):
        if path.name.startswith(".") or path in ep.backups:
            continue  # a backup being written has a name of its own
        ep.backups.add(path)
        assert_sound(path)
        held = tuple(sorted(digests(catalog_state(path)).items()))
        assert held in ep.states, f"backup {path.name} holds a catalog never seen"


def _check_export(ep: Episode, plan: Plan, image: Path) -> None:
    """The export file is the one written before, or a complete new one: the file an
    uninterrupted export of this very catalog writes (its first line, the time, aside)."""
    written = ep.target.read_bytes()
    if written == ep.export:
        return
    assert plan.op == "export", f"{plan.op} changed the export file"
    reference = ep.folder / "reference.bib"
    ep.launcher.run(("--db", str(image), "export", "-o", str(reference)))
    expected = normalized_export(reference.read_text(encoding="utf-8"))
    got = normalized_export(written.decode("utf-8", errors="replace"))
    assert got == expected, "the export file is neither the old one nor the complete new one"
    ep.export = written


# --- the loop -----------------------------------------------------------------------------------


def run_episode(
    template: tuple[Path, bytes], folder: Path, seed: int, kills: int, tally: Tally
) -> None:
    ep = start_episode(template, folder / "episode", seed)
    template_schema = schema(template[0])
    done = ended_in_a_row = 0
    try:
        while done < kills:
            plan = choose(ep)
            wal = ep.catalog.with_name(f"{ep.catalog.name}-wal")
            wal_written = wrote(wal)
            run = attempt(ep, plan, at_once=ended_in_a_row >= 2)
            try:
                whole = verify(ep, plan, run, template_schema)
            except AssertionError as exc:
                trail = "\n  ".join(ep.log[-8:])
                raise AssertionError(f"{exc}\nin {folder} (seed {seed}), after:\n  {trail}\n"
                                     f"{run.describe()}") from exc  # fmt: skip
            counter = tally.kills if run.killed else tally.ended
            counter[plan.op] = counter.get(plan.op, 0) + 1
            if run.killed:  # where the kill landed, as far as the files tell
                when = "after commit" if whole else "mid-write" if wal_written() else "before"
                tally.landed[when] = tally.landed.get(when, 0) + 1
            done += run.killed
            ended_in_a_row = 0 if run.killed else ended_in_a_row + 1
    finally:
        ep.launcher.close()
    tally.temp_files += len(list(ep.folder.glob(".export.bib.*.tmp")))


# Printed with any failure; CURATOR_RELIABILITY_SEED=N makes the same random choices (where a
# kill lands, and so what follows, still varies with the machine's timing).
SEED = int(os.environ.get("CURATOR_RELIABILITY_SEED") or random.randrange(10**9))
TALLY = Tally()


@pytest.mark.parametrize("episode", range(EPISODES))
def test_kill_9_anywhere_loses_nothing_and_leaves_no_half_step(
    template: tuple[Path, bytes], tmp_path: Path, episode: int
) -> None:
    started = time.monotonic()
    run_episode(template, tmp_path, SEED + episode, EPISODE_KILLS, TALLY)
    TALLY.episodes += 1
    TALLY.seconds += time.monotonic() - started
    FIGURES["kill -9"] = TALLY.summary()


# --- a big import, read in pieces by a second process -------------------------------------------

BIG_ENTRIES = 140_000  # about 38 MB: over 32 MiB, so the import reads it in pieces


def test_a_killed_big_import_leaves_nothing_behind(
    template: tuple[Path, bytes], tmp_path: Path
) -> None:
    """Killed while the file is read in pieces: nothing of it is kept, the full-text trigger a
    bulk import drops is back, and the process reading the file ends too."""
    catalog = copy_catalog(template[0], tmp_path / "catalog.sqlite")
    listing = big_listing(tmp_path / "big.bib", BIG_ENTRIES)
    assert listing.stat().st_size > 32 << 20
    env = user_env(tmp_path / "home")
    launcher = Launcher(env, tmp_path / "runs", script_every=1)
    rng = random.Random()
    try:
        for _ in range(scale(1, 3)):
            process = launcher.start(("--db", str(catalog), "import", str(listing)))
            reading = KillPoint("reading", partial(_has_children, process.pid), jitter=3.0)
            run = kill_at(process, reading, rng)
            assert_clean(run)
            image = crash_image(catalog, tmp_path / "image")
            assert_sound(image)
            assert schema(image) == schema(template[0]), "the full-text trigger is lost"
            kept = "SELECT count(*) FROM sourcerecord WHERE source_file = ?"
            assert scalar(image, kept, listing.name) in ((0,) if run.killed else (BIG_ENTRIES,))
        _wait_until_none_with(env["HOME"])
    finally:
        launcher.close()
        for pid in with_env("HOME", env["HOME"]):
            os.kill(pid, signal.SIGKILL)  # started by this test (they carry its home)
    size = listing.stat().st_size >> 20
    FIGURES["kill -9 of a big import"] = f"{scale(1, 3)} runs of a {size} MB one"


def big_listing(path: Path, n: int) -> Path:
    """`n` distinct entries, written fast (the generated listings' variety is not needed)."""
    entry = (
        "@article{{big{0},\n  title = {{A study of sparse lattices, part {0}}},\n"
        "  author = {{Ada Lovelace and Alan Turing{1}}},\n  journal = {{Journal of Tests}},\n"
        "  year = {{{2}}},\n  pages = {{{0}--{3}}},\n  abstract = {{{4}}},\n}}\n\n"
    )
    filler = "words that make an entry about as long as a real one"
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write(entry.format(i, f" and Grace Hopper {i % 97}", 1990 + i % 30, i + 9, filler))
    return path


def _has_children(pid: int) -> bool:
    return bool(children(pid))


def _wait_until_none_with(home: str) -> None:
    """The processes a killed import started end by themselves (a reader sees its parent gone
    within a second of wanting to send); the bound only catches a real hang, never a slow
    machine."""
    deadline = time.monotonic() + HANG_S
    while left := with_env("HOME", home):
        assert time.monotonic() < deadline, f"processes {left} outlived the killed import"
        time.sleep(0.1)
