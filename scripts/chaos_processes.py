"""`prodi run-layer` processes as an operator starts them, on a lakehouse of scripts/chaos_lakehouse:
killed with SIGKILL (the whole process group, so the JVM dies too) at a chosen point, or started
in pairs, and what they printed."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from scripts.chaos_lakehouse import Lakehouse, lakehouse_files

PRODI = Path(sys.executable).parent / "prodi"
RUN_ID = re.compile(r"\brun (\S+) layer=")
RETRIED = re.compile(r"retry|retried|retrying", re.IGNORECASE)
# A run's JVM lives for seconds: compiling with C2 and a parallel GC costs it about twice the CPU
# C1 and the serial GC do (measured: 35-46 s against 20 s for a demo raw run), and the machine
# runs several at once. What runs, and how it commits, is the same.
SHORT_LIVED_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


@dataclass(frozen=True)
class Finished:
    """A process that ended: how, what it printed, after how long."""

    returncode: int
    output: str
    seconds: float
    killed: bool  # by us, before it ended on its own

    @property
    def run_id(self) -> str | None:
        found = RUN_ID.search(self.output)
        return found.group(1) if found else None

    @property
    def retried(self) -> bool:
        return bool(RETRIED.search(self.output))

    def failure(self) -> str:
        """Its error lines (or last line), for a summary."""
        lines = [line.strip() for line in self.output.splitlines() if line.strip()]
        errors = [line for line in lines if "| ERROR" in line or line.startswith("prodi: error")]
        return " / ".join(errors[:3]) if errors else (lines[-1] if lines else "(no output)")


class LayerRun:
    """`prodi run-layer layer=<layers>` started on a lakehouse, in a session of its own."""

    def __init__(self, lakehouse: Lakehouse, layers: str) -> None:
        self.lakehouse = lakehouse
        self.log = lakehouse.workdir / f"run-{layers.replace(',', '-')}-{uuid.uuid4().hex[:8]}.log"
        self.files_before = lakehouse_files(lakehouse.root)
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [str(PRODI), "run-layer", f"layer={layers}", *lakehouse.overrides],
                cwd=lakehouse.workdir,
                env=_env(lakehouse), stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.started = time.monotonic()
        self.killed = False

    def files_added(self) -> int:
        return len(lakehouse_files(self.lakehouse.root) - self.files_before)

    def kill(self) -> None:
        """SIGKILL to the process group: prodi's Python and its JVM alike."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.killed = True
        except ProcessLookupError:
            pass

    def wait(self, timeout: float = 900) -> Finished:
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            self.process.wait()
            raise
        return Finished(self.process.returncode, self.log.read_text(errors="replace"),
                        time.monotonic() - self.started, self.killed)

    def leftovers(self, timeout: float = 15) -> list[int]:
        """Processes of its group still alive (zombies aside) after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while (alive := live_group_members(self.process.pid)) and time.monotonic() < deadline:
            time.sleep(0.2)
        return alive


def _env(lakehouse: Lakehouse) -> dict[str, str]:
    env = lakehouse.env()
    env["JAVA_TOOL_OPTIONS"] = f"{env.get('JAVA_TOOL_OPTIONS', '')} {SHORT_LIVED_JVM}".strip()
    return env


def live_group_members(pgid: int) -> list[int]:
    """The processes of a process group that are not zombies (Linux /proc)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (command) "
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(int(entry.name))
    return alive


@dataclass(frozen=True)
class KillPoint:
    """When to kill a run: a number of seconds after it started, or right after it has added
    its n-th file to the lakehouse (a commit, a data file, a checksum)."""

    seconds: float | None = None
    new_files: int | None = None

    def __str__(self) -> str:
        if self.new_files is not None:
            return f"after its file #{self.new_files}"
        return f"{self.seconds:.1f}s in"


def random_kill_point(rng: random.Random, files_added: int, max_seconds: float) -> KillPoint:
    """Half the time right after a file appears (one of the `files_added` a clean run adds),
    otherwise at a time up to `max_seconds`."""
    if files_added > 1 and rng.random() < 0.5:
        return KillPoint(new_files=rng.randint(1, files_added - 1))
    return KillPoint(seconds=round(rng.uniform(1.0, max_seconds), 1))


def kill_at(run: LayerRun, point: KillPoint, poll: float = 0.02) -> bool:
    """Kill `run` at `point` unless it ends first; whether it was killed."""
    while run.process.poll() is None:
        if point.seconds is not None and time.monotonic() - run.started >= point.seconds:
            run.kill()
        elif point.new_files is not None and run.files_added() >= point.new_files:
            run.kill()
        if run.killed:
            run.process.wait()
            return True
        time.sleep(poll)
    return False


def run_pair(lakehouse: Lakehouse, layer: str, timeout: float = 900) -> list[Finished]:
    """Two `prodi run-layer layer=<layer>` started together; both awaited."""
    runs = [LayerRun(lakehouse, layer) for _ in range(2)]
    return [run.wait(timeout) for run in runs]


def unexplained_failures(finished: list[Finished], tables: Iterable[str]) -> list[str]:
    """Runs of a pair that failed without a message naming a table of the layer and the run
    that won the conflict (the other one's id): those are faults; clean failures are not."""
    tables = list(tables)
    faults = []
    for run, other in ((finished[0], finished[1]), (finished[1], finished[0])):
        if run.returncode == 0:
            continue
        names_table = any(t in run.output for t in tables)
        names_winner = other.run_id is not None and other.run_id in run.output.replace(
            f"run {run.run_id} layer=", "")
        if not (names_table and names_winner):
            faults.append(f"run {run.run_id} exited {run.returncode} without naming "
                          f"{'the table' if not names_table else 'the other run'}: {run.failure()}")
    return faults
