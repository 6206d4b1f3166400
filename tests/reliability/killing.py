"""Starting `curator` processes and killing them (SIGKILL) at a chosen point: a state the
process reached (it opened the catalog, wrote its log, made its temporary file) or a random
moment. The point only says where the kill lands; what is checked afterwards never depends on
it."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.reliability.conftest import HANG_S, Run, assert_clean, curator_command

POLL_S = 0.001

# A process that has imported the command line and forks one child per command: each child
# runs `cli_main` as the installed script does, without the second of imports a new Python
# needs, so kills land in the commands' work. A child is reaped only when asked, so its pid
# is never another process's while the test may still kill it.
_FORK_SERVER = """
import json, os, sys
import curator.cli
from curator.app import cli_main
for line in sys.stdin:
    ask = json.loads(line)
    if "reap" in ask:
        _, status = os.waitpid(ask["reap"], 0)
        print(os.waitstatus_to_exitcode(status), flush=True)
        continue
    pid = os.fork()
    if pid == 0:
        for fd, name, flags in ((0, os.devnull, os.O_RDONLY),
                                (1, ask["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
                                (2, ask["err"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)):
            os.dup2(os.open(name, flags, 0o600), fd)
        sys.exit(cli_main(ask["argv"]))
    print(pid, flush=True)
"""


class Process:
    """A `curator` process the test started: the installed script, or a fork server's child."""

    def __init__(self, argv: tuple[str, ...], pid: int, folder: Path) -> None:
        self.argv, self.pid, self.folder = argv, pid, folder

    def running(self) -> bool:
        return alive(self.pid)

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)  # not reaped yet: still ours, even if it has ended

    def _exit_code(self) -> int:
        raise NotImplementedError

    def finish(self) -> Run:
        code = self._exit_code()
        out, err = (
            (self.folder / name).read_text(encoding="utf-8", errors="replace")
            for name in ("out", "err")
        )
        return Run(self.argv, code, out, err)


class _Script(Process):
    def __init__(self, argv: tuple[str, ...], popen: subprocess.Popen[bytes], folder: Path):
        super().__init__(argv, popen.pid, folder)
        self.popen = popen

    def running(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        self.popen.send_signal(signal.SIGKILL)  # a no-op once it has been waited for

    def _exit_code(self) -> int:
        return self.popen.wait(timeout=HANG_S)


class _Forked(Process):
    def __init__(self, argv: tuple[str, ...], pid: int, folder: Path, server: _Server) -> None:
        super().__init__(argv, pid, folder)
        self.server = server

    def _exit_code(self) -> int:
        return int(self.server.ask({"reap": self.pid}))


class _Server:
    def __init__(self, env: dict[str, str]) -> None:
        self.popen = subprocess.Popen(
            [sys.executable, "-c", _FORK_SERVER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )

    def ask(self, request: Mapping[str, object]) -> str:
        assert self.popen.stdin is not None and self.popen.stdout is not None
        self.popen.stdin.write(json.dumps(request) + "\n")
        self.popen.stdin.flush()
        answer = self.popen.stdout.readline()
        assert answer, "the fork server ended"
        return answer

    def close(self) -> None:
        assert self.popen.stdin is not None
        self.popen.stdin.close()
        self.popen.wait(timeout=HANG_S)


class Launcher:
    """Starts `curator` processes: children of a fork server, and every `script_every`-th the
    installed `curator` script itself, cold."""

    def __init__(self, env: dict[str, str], folder: Path, script_every: int = 8) -> None:
        self.env, self.folder, self.script_every = env, folder, script_every
        self.started = 0
        self._server: _Server | None = None

    def start(self, argv: tuple[str, ...]) -> Process:
        self.started += 1
        folder = self.folder / f"run{self.started}"
        folder.mkdir(parents=True)
        for name in ("out", "err"):  # there even if the process is killed before it opens them
            (folder / name).touch()
        if self.started % self.script_every == 0:
            with (folder / "out").open("wb") as out, (folder / "err").open("wb") as err:
                popen = subprocess.Popen(
                    [*curator_command(), *argv],
                    stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=self.env,
                )  # fmt: skip
            return _Script(argv, popen, folder)
        if self._server is None:
            self._server = _Server(self.env)
        ask = {"argv": list(argv), "out": str(folder / "out"), "err": str(folder / "err")}
        return _Forked(argv, int(self._server.ask(ask)), folder, self._server)

    def run(self, argv: tuple[str, ...], refusals: tuple[str, ...] = ()) -> Run:
        """A command run to its end, checked with `assert_clean`."""
        run = self.start(argv).finish()
        assert_clean(run, refusals)
        return run

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None


# --- kill points ------------------------------------------------------------------------------

Reached = Callable[[], bool]


@dataclass(frozen=True, slots=True)
class KillPoint:
    """Where a kill lands: once `reached` says so, after up to `jitter` seconds more."""

    name: str
    reached: Reached
    jitter: float = 0.0


def after(seconds: float) -> Reached:
    """A moment: `seconds` from now."""
    at = time.monotonic() + seconds
    return lambda: time.monotonic() >= at


def holds_open(pid: int, path: Path) -> Reached:
    """The process has the file open (it opened the catalog)."""
    target = str(path.resolve())
    folder = f"/proc/{pid}/fd"

    def reached() -> bool:
        try:
            for fd in os.listdir(folder):
                if os.readlink(f"{folder}/{fd}") == target:
                    return True
        except OSError:  # it ended meanwhile, or closed that descriptor
            return False
        return False

    return reached


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def wrote(path: Path) -> Reached:
    """The file (a write-ahead log) has been written since now: it has content and it changed."""
    before = _signature(path)

    def reached() -> bool:
        now = _signature(path)
        return now is not None and now[0] > 0 and now != before

    return reached


def new_file(folder: Path, pattern: str, min_size: int = 0) -> Reached:
    """A file matching `pattern` appeared in `folder` (an export's temporary file), holding at
    least `min_size` bytes."""
    old = set(folder.glob(pattern))

    def reached() -> bool:
        for path in set(folder.glob(pattern)) - old:
            sig = _signature(path)
            if sig is not None and sig[0] >= min_size:
                return True
        return False

    return reached


def replaced(path: Path) -> Reached:
    """Another file now has `path`'s name (an export renamed its temporary file over it)."""
    before = path.stat().st_ino if path.exists() else None

    def reached() -> bool:
        try:
            return path.stat().st_ino != before
        except OSError:
            return False

    return reached


def kill_at(process: Process, point: KillPoint, rng: random.Random) -> Run:
    """Wait until the point is reached, then kill the process; if it ends first, it ends."""
    deadline = time.monotonic() + HANG_S
    while process.running() and not point.reached():
        assert time.monotonic() < deadline, f"{process.argv}: neither ended nor reached {point}"
        time.sleep(POLL_S)
    if process.running() and point.jitter:
        time.sleep(rng.uniform(0, point.jitter))
    if process.running():
        process.kill()
    return process.finish()


def children(pid: int) -> list[int]:
    """The processes `pid` started (and theirs), from /proc."""
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            text = Path(f"/proc/{pid}/task/{task}/children").read_text()
        except OSError:
            continue
        for child in map(int, text.split()):
            found += [child, *children(child)]
    return found


def alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def with_env(name: str, value: str) -> list[int]:
    """Every process whose environment has `name=value`: with a value unique to a test (its
    home folder), the processes it started and theirs, wherever they were re-parented."""
    wanted = f"{name}={value}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes()
        except OSError:
            continue
        if wanted in environ.split(b"\0") and alive(int(entry)):
            found.append(int(entry))
    return found
