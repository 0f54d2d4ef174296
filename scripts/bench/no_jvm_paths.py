"""Benchmark P2: the paths that start no JVM: `prodi --help`, a dry-run, and `prodi validate`
over every layer x cloud x env combination. Each command runs several times in a fresh process
(what a user or a CI step pays); medians go to docs/benchmarks.md.

usage: python scripts/bench/no_jvm_paths.py [--runs 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

from report import machine, write_section

REPO = Path(__file__).resolve().parents[2]
PRODI = str(Path(sys.executable).with_name("prodi"))
COMMANDS = {
    "`prodi --help`": ([PRODI, "--help"], 0.3),
    "dry-run: `prodi run-layer layer=silver cloud=azure env=prod dry_run=true`":
        ([PRODI, "run-layer", "layer=silver", "cloud=azure", "env=prod", "dry_run=true"], 1.0),
    "`prodi validate` (every layer x cloud x env)": ([PRODI, "validate"], None),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--report", type=Path, default=REPO / "docs" / "benchmarks.md")
    ns = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="prodi-p2-"))
    env = {**os.environ, "PRODI_LAKEHOUSE": str(work / "lakehouse"),
           "PRODI_HYDRA_DIR": str(work / "hydra")}
    rows = []
    for label, (args, target) in COMMANDS.items():
        times = []
        for _ in range(ns.runs):
            started = time.monotonic()
            subprocess.run(args, env=env, cwd=work, check=True, capture_output=True)
            times.append(time.monotonic() - started)
        took = median(times)
        verdict = "" if target is None else (" (met)" if took < target else " (**missed**)")
        rows.append(f"| {label} | {took:.2f} s | {min(times):.2f} s | "
                    f"{'-' if target is None else f'< {target} s'}{verdict} |")
        print(rows[-1], flush=True)
    section = f"""## P2: the paths without a JVM

Each command in a fresh process, {ns.runs} times; the median and the fastest.

| command | median | fastest | target |
|---|---|---|---|
{chr(10).join(rows)}

Machine: {machine()}. Measured {dt.date.today().isoformat()} with
`python scripts/bench/no_jvm_paths.py --runs {ns.runs}`.
"""
    write_section(ns.report, section)
    print(section)


if __name__ == "__main__":
    main()
