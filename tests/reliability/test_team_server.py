"""A team on one server catalog: four librarians, each in a process of its own
(`team_worker`), make 200 random edits, merges, undos and redos at once on a few works.
Afterwards every process ended well; every acknowledged step is in the log with its maker, as
acknowledged, and nothing else is (a refused step left none); no edit overwrote a value its
librarian had not seen; no acknowledged change is lost; the log replays to the same catalog,
and so do its changes still done, in order; every conflict was reported to the librarian who
lost it, in words naming the other librarian or the reason, never as a traceback; and the
catalog is sound.

The processes wait for the test's word to begin, so that they overlap; nothing waits on a
clock. The random seed is printed with any failure (CURATOR_TEAM_SEED runs it again)."""

from __future__ import annotations

import json
import os
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from subprocess import PIPE, Popen
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from curator.services import history, importing, works
from curator.services.samples import sample_listing_paths
from curator.store import authors
from curator.store.authors import Author
from curator.store.catalog import Catalog, open_catalog
from curator.store.eventlog import EventRow
from tests.catalog_state import dangling_references, tables_state
from tests.event_replay import log_after, replay, replay_done, states
from tests.postgres import Server
from tests.reliability.conftest import FIGURES, HANG_S, scale
from tests.reliability.team_worker import HOT, name, session

pytestmark = pytest.mark.reliability

ROOT = Path(__file__).resolve().parents[2]
LIBRARIANS = range(1, 5)
OPS = scale(200, 1000)  # steps per librarian
SEEDER = "seeder"  # who imported the sample before the team began
STEP_OF = {"review-merge": "merge"} | {kind: kind for kind in ("edit", "merge", "undo", "redo")}
FIELDS = ("title", "notes", "year")  # what the librarians edit
# The refusals that name no librarian, in their words.
REASONS = (
    "no work with id",  # merged away before the window read it
    "nothing to undo",
    "nothing to redo",
    f"by {SEEDER}",  # the next step to take back is the sample's import
    "is busy",  # waited for other writers longer than a writer waits
    "changed since they were shown",
    "fewer than two works left",
)


@dataclass
class Team:
    """What each librarian did (its outcome lines), how its process ended, how long it took."""

    seed: int
    lines: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    seconds: float = 0.0

    def said(self) -> str:
        return f"(team seed {self.seed}: CURATOR_TEAM_SEED={self.seed} runs it again)"


def seed_catalog(url: str) -> int:
    """The sample listings imported by someone not in the team; the newest event's id."""
    catalog = open_catalog(url)
    try:
        authors.claim(catalog, Author(SEEDER, authors.COMMAND_LINE + "team-test"))
        run = importing.run_to_end(importing.import_files(catalog, sample_listing_paths()))
        assert run.ok, run.failures
        return int(history.history(catalog)[-1].id)
    finally:
        catalog.close()


@contextmanager
def copy_of(pg_server: Server, url: str) -> Iterator[Catalog]:
    """A copy of the (closed) catalog at `url` as it is now, opened; dropped afterwards."""
    name = pg_server.new_database(template=make_url(url).database)
    catalog = open_catalog(pg_server.url(name))
    try:
        yield catalog
    finally:
        catalog.close()
        pg_server.drop_database(name)


def start(url: str, n: int, seed: int, folder: Path, env: dict[str, str]) -> Popen[str]:
    """Librarian `n` in a process of its own: its outcomes to a file, its errors to another."""
    argv = [url, str(n), str(seed + n), str(OPS), str(folder / f"librarian-{n}.jsonl")]
    with (folder / f"librarian-{n}.err").open("w") as err:
        return Popen(
            [sys.executable, "-m", "tests.reliability.team_worker", *argv],
            cwd=ROOT,
            env=env,
            stdin=PIPE,
            stdout=PIPE,
            stderr=err,
            text=True,
        )


def run_team(url: str, seed: int, folder: Path, env: dict[str, str]) -> Team:
    """Start the librarians, give the word when all are ready, wait for them to end; each
    must end well, every step reported."""
    team = Team(seed)
    processes: list[Popen[str]] = []
    with ExitStack() as stack:
        stack.callback(stop, processes)
        processes += [start(url, n, seed, folder, env) for n in LIBRARIANS]
        for n, process in zip(LIBRARIANS, processes, strict=True):
            assert process.stdout is not None
            ready = process.stdout.readline()
            assert ready == "ready\n", f"librarian {n} did not start:\n{errors(folder, n)}"
        started = time.monotonic()
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.close()
        codes = [process.wait(timeout=HANG_S) for process in processes]
        team.seconds = time.monotonic() - started
    for n, code in zip(LIBRARIANS, codes, strict=True):
        said = errors(folder, n)
        assert code == 0 and "Traceback" not in said, f"librarian {n} -> {code}:\n{said}"
        text = (folder / f"librarian-{n}.jsonl").read_text(encoding="utf-8")
        team.lines[n] = [json.loads(line) for line in text.splitlines()]
        assert [line["op"] for line in team.lines[n]] == list(range(OPS))
    return team


def stop(processes: list[Popen[str]]) -> None:
    """Ends any still running (only after a failure: none outlives the test), closes pipes."""
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait()
        for pipe in (process.stdin, process.stdout):
            if pipe is not None and not pipe.closed:
                pipe.close()


def errors(folder: Path, n: int) -> str:
    return (folder / f"librarian-{n}.err").read_text(encoding="utf-8", errors="replace")[-4000:]


# --- the checks -------------------------------------------------------------------------------


def steps_of_acks(team: Team, rows: list[EventRow]) -> dict[tuple[int, int], EventRow]:
    """Each librarian's acknowledged steps are its rows of the log, one for one, in order, each
    saying what was acknowledged; the log holds no other step. (librarian, op) -> its row."""
    makers = {(name(n), session(n)) for n in team.lines}
    assert {(r.author, r.session) for r in rows} <= makers, "a step by no one in the team"
    by_id = {r.id: r for r in rows}
    found: dict[tuple[int, int], EventRow] = {}
    for n, lines in team.lines.items():
        mine = [r for r in rows if (r.author, r.session) == (name(n), session(n))]
        acked = [line for line in lines if "ok" in line]
        counts = f"librarian {n}: {len(acked)} steps acknowledged, {len(mine)} in the log"
        assert len(mine) == len(acked), f"{counts} {team.said()}"
        for row, line in zip(mine, acked, strict=True):
            assert row.kind == STEP_OF[line["kind"]] and says(row, line, by_id), (
                f"librarian {n}'s op {line} is not its step #{row.id} {row.kind} "
                f"{row.payload} {team.said()}"
            )
            found[n, line["op"]] = row
    return found


def says(row: EventRow, line: dict[str, Any], by_id: dict[int, EventRow]) -> bool:
    """The log's row records what the librarian was told was done."""
    ok, args = line["ok"], line["args"]
    if row.kind == "edit":  # a year already there is no change; notes and title always are
        p, typed = row.payload, args["changes"]
        return (
            p["work_id"] == args["work"]
            and set(typed) - {"year"} <= set(p["after"]) <= set(typed)
            and all(p["after"][f] == typed[f] for f in p["after"])
            # what it overwrote is what the window showed: no one's change lost unseen
            and all(p["before"][f] == args["saw"][f] for f in p["after"])
        )
    if row.kind == "merge":
        p = row.payload
        logged = (row.id, p["survivor"], p["absorbed"], sorted(map(int, p["before"])))
        return logged == (ok["event"], ok["survivor"], ok["absorbed"], sorted(args["ids"]))
    target = by_id.get(row.payload["target"])
    return (
        row.summary == f"{row.kind.capitalize()}: {ok['summary']}"
        and target is not None
        and (target.author, target.session) == (row.author, row.session)
    )


def last_writers(rows: list[EventRow], now: dict[int, str]) -> dict[tuple[int, str], int]:
    """(work, field) -> the newest change done that wrote it: an edit of it, or a merge that
    took the work away or gave the surviving work another value there."""
    last: dict[tuple[int, str], int] = {}
    for row in rows:
        if now.get(row.id) != "done":
            continue
        p = row.payload
        if row.kind == "edit":
            last.update({(p["work_id"], f): row.id for f in p["after"]})
        elif row.kind == "merge":
            last.update({(w, f): row.id for w in p["absorbed"] for f in FIELDS})
            kept = p["before"][str(p["survivor"])]
            changed = [f for f in FIELDS if p["after"][f] != kept[f]]
            last.update({(p["survivor"], f): row.id for f in changed})
    return last


def assert_nothing_lost(
    catalog: Catalog, team: Team, acks: dict[tuple[int, int], EventRow], now: dict[int, str]
) -> int:
    """Every acknowledged edit still done (not undone), of a field no later step done wrote,
    is what the catalog holds; how many values there are."""
    last = last_writers(sorted(acks.values(), key=lambda r: r.id), now)
    held = 0
    for (n, op), row in acks.items():
        if row.kind != "edit" or now[row.id] != "done":
            continue
        work, typed = row.payload["work_id"], team.lines[n][op]["args"]["changes"]
        for f in row.payload["after"]:
            if last[work, f] == row.id:
                there = getattr(works.work(catalog, work), f)
                lost = f"librarian {n}'s op {op} ({f}={typed[f]!r}) is lost: work {work} holds"
                assert there == typed[f], f"{lost} {there!r} {team.said()}"
                held += 1
    return held


def assert_reported(team: Team) -> Counter[str]:
    """Every refusal named the other librarian whose step came first, or said why in words;
    never its own librarian. The refusals by kind."""
    seen: Counter[str] = Counter()
    for n, lines in team.lines.items():
        for line in lines:
            if "conflict" not in line:
                continue
            conflict = line["conflict"]
            message, error = conflict["message"], conflict["error"]
            seen[error] += 1
            named = set(map(int, re.findall(r"librarian-(\d+)", message)))
            told = f"librarian {n}, op {line['op']} {line['kind']}: {error}: {message}"
            assert n not in named, f"{told} (its own step named) {team.said()}"
            if error in ("ChangedSinceOpened", "Waits"):  # a step by someone else came first
                assert named, f"{told} (who made the step?) {team.said()}"
            else:
                assert named or any(r in message for r in REASONS), f"{told} {team.said()}"
    return seen


def assert_sound(
    catalog: Catalog, rows: list[EventRow], now: dict[int, str], sample: tuple[int, int]
) -> None:
    """No reference points at nothing; each work holds records, and every record the sample
    made is held; as many works as the sample made, less those the merges done took away."""
    assert dangling_references(catalog) == []
    found = works.works(catalog)
    assert all(w.record_ids for w in found), "a work without its records"
    taken = sum(
        len(r.payload["absorbed"]) for r in rows if r.kind == "merge" and now[r.id] == "done"
    )
    assert (len(found), sum(len(w.record_ids) for w in found)) == (sample[0] - taken, sample[1])


# --- the test ---------------------------------------------------------------------------------


def test_four_librarians_at_once_lose_nothing_and_hear_of_every_conflict(
    pg_server: Server, pg_database: str, tmp_path: Path, env: dict[str, str]
) -> None:
    seeded_until = seed_catalog(pg_database)
    seed = int(os.environ.get("CURATOR_TEAM_SEED") or random.randrange(2**31))
    with ExitStack() as stack:
        copies = [stack.enter_context(copy_of(pg_server, pg_database)) for _ in range(2)]
        sample = works.works(copies[0])
        team = run_team(pg_database, seed, tmp_path, env)
        catalog = stack.enter_context(closing(open_catalog(pg_database)))
        rows, now = log_after(catalog, seeded_until), states(catalog)
        acks = steps_of_acks(team, rows)
        held = assert_nothing_lost(catalog, team, acks, now)
        conflicts = assert_reported(team)
        assert sum(conflicts.values()) > 0, f"no librarian ever met another {team.said()}"
        assert_sound(catalog, rows, now, (len(sample), sum(len(w.record_ids) for w in sample)))
        state = tables_state(catalog)
        replay(copies[0], rows)
        assert tables_state(copies[0]) == state, f"the log replays otherwise {team.said()}"
        replay_done(copies[1], rows, now)
        assert tables_state(copies[1]) == state, f"the done steps give otherwise {team.said()}"
    lines = [line for mine in team.lines.values() for line in mine]
    done = Counter(STEP_OF[line["kind"]] for line in lines if "ok" in line)
    FIGURES["team server"] = (
        f"{len(LIBRARIANS)} librarians x {OPS} steps on {HOT} works in {team.seconds:.1f} s: "
        f"{dict(sorted(done.items()))} acknowledged ({held} edited values still in effect, all "
        f"there), {sum(conflicts.values())} refused {dict(sorted(conflicts.items()))}"
    )
