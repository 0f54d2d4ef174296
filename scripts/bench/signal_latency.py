"""Benchmark: how long `prodi run-layer` takes to stop after SIGINT or SIGTERM sent while it writes.

Each trial lands the demo's data in a fresh lakehouse, starts a real raw run, waits for its first
"write…" line (a Spark job that commits to Delta is under way), sends the signal, and measures
two times: until the `prodi` process exits, and until no process it started (the JVM included)
is left. It also checks the exit code (130/143) and the one "interrupted" line. Results go to
docs/benchmarks.md. Not a test: run it with `make bench`.

usage: python scripts/bench/signal_latency.py [--trials 3]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from report import machine, write_section

REPO = Path(__file__).resolve().parents[2]
PRODI = str(Path(sys.executable).with_name("prodi"))
SIGNALS = {"SIGINT": signal.SIGINT, "SIGTERM": signal.SIGTERM}


def descendants(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        children = {p for p, pp in parents.items() if pp == parent} - found
        found |= children
        todo += children
    return found


def running(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                alive.add(pid)
        except OSError:
            continue
    return alive


def trial(name: str, workdir: Path) -> dict:
    lakehouse = workdir / "lakehouse"
    subprocess.run([sys.executable, str(REPO / "scripts" / "generate_demo_data.py"),
                    str(lakehouse / "landing"), "--days", "2"], check=True,
                   stdout=subprocess.DEVNULL)
    env = {**os.environ, "PRODI_LAKEHOUSE": str(lakehouse), "PRODI_HYDRA_DIR": str(workdir / "h"),
           "PRODI_LOG_FORMAT": "text"}
    proc = subprocess.Popen([PRODI, "run-layer", "layer=raw", "datasets=[orders,customers]"],
                            cwd=workdir, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    while not any("write…" in line for line in lines):
        if proc.poll() is not None:
            raise SystemExit(f"prodi ended before writing:\n{''.join(lines)}")
        time.sleep(0.02)
    spawned = descendants(proc.pid)
    sent = time.monotonic()
    proc.send_signal(SIGNALS[name])
    code = proc.wait(timeout=600)
    exited = time.monotonic() - sent
    while running(spawned):
        time.sleep(0.02)
    clean = time.monotonic() - sent
    reader.join(timeout=10)
    output = "".join(lines)
    return {"signal": name, "exit": code, "to_exit_s": exited, "to_no_process_s": clean,
            "one_line": output.count(" interrupted by ") == 1 and "Traceback" not in output}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=3)
    args = parser.parse_args()
    results, loads = [], [os.getloadavg()[0]]
    for name in SIGNALS:
        for i in range(args.trials):
            with tempfile.TemporaryDirectory(prefix="prodi-signal-") as tmp:
                result = trial(name, Path(tmp))
            loads.append(os.getloadavg()[0])
            results.append(result)
            print(f"{name} #{i + 1}: exit {result['exit']}, exited after "
                  f"{result['to_exit_s']:.1f}s, no process left after "
                  f"{result['to_no_process_s']:.1f}s, one line: {result['one_line']}", flush=True)
    rows = []
    for name in SIGNALS:
        mine = [r for r in results if r["signal"] == name]
        exits = sorted({r["exit"] for r in mine})
        rows.append(
            f"| {name} | {len(mine)} | {', '.join(map(str, exits))} "
            f"| {statistics.median(r['to_exit_s'] for r in mine):.1f} "
            f"/ {max(r['to_exit_s'] for r in mine):.1f} "
            f"| {statistics.median(r['to_no_process_s'] for r in mine):.1f} "
            f"/ {max(r['to_no_process_s'] for r in mine):.1f} "
            f"| {sum(r['one_line'] for r in mine)} of {len(mine)} |")
    section = "\n".join([
        "## Signals: from SIGINT or SIGTERM to exit",
        "",
        "`scripts/bench/signal_latency.py`: a raw run of the demo (orders and customers) is sent "
        "the signal as soon as it logs its first `write…` (a Spark job that commits to Delta is "
        "under way). Times are from the signal, median / max.",
        "",
        f"Machine: {machine()}; load average (1 min) during the runs "
        f"{min(loads):.1f}–{max(loads):.1f}.",
        "",
        "| signal | trials | exit code | to exit (s) | to no process left (s) | one line, no trace |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
    ])
    write_section(REPO / "docs" / "benchmarks.md", section)
    print(section)


if __name__ == "__main__":
    main()
