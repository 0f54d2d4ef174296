"""Benchmark: a 30-date backfill of one layer as one multirun vs 30 separate invocations.

Both start from the same generated landing zone (big enough that each date does real work) and
an empty lakehouse, run the raw layer for 2026-01-01 .. 2026-01-30, and must end with the same
rows. Results go to docs/benchmarks.md. Not a test: run it with `make bench`.

usage: python scripts/bench/backfill_vs_invocations.py [--days 30] [--orders-per-day 20000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from report import machine, write_section

REPO = Path(__file__).resolve().parents[2]
PRODI = str(Path(sys.executable).with_name("prodi"))


def run(args: list[str], env: dict[str, str], cwd: Path) -> None:
    subprocess.run(args, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def rows_per_date(lakehouse: Path) -> dict[str, int]:
    """Row counts by landed date, from the Delta table (one Spark session, outside the timing)."""
    code = (
        "import json,sys\n"
        "from prodi.runtime.session import get_session\n"
        "s=get_session('local[2]','bench-check',{})\n"
        "df=s.read.format('delta').load(sys.argv[1])\n"
        "print(json.dumps({r[0]: r[1] for r in df.groupBy('_landed_date').count().collect()}))\n")
    out = subprocess.run([sys.executable, "-c", code, str(lakehouse / "raw" / "orders")],
                         capture_output=True, text=True, check=True).stdout
    import json

    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--orders-per-day", type=int, default=20000)
    parser.add_argument("--report", type=Path, default=REPO / "docs" / "benchmarks.md")
    ns = parser.parse_args()
    dates = [(dt.date(2026, 1, 1) + dt.timedelta(days=i)).isoformat() for i in range(ns.days)]
    work = Path(tempfile.mkdtemp(prefix="prodi-bench-"))
    landing = work / "landing"
    subprocess.run([sys.executable, str(REPO / "scripts" / "generate_demo_data.py"), str(landing),
                    "--days", str(ns.days), "--orders-per-day", str(ns.orders_per_day),
                    "--customers", "2000"], check=True, stdout=subprocess.DEVNULL)
    size_mb = sum(p.stat().st_size for p in landing.rglob("*") if p.is_file()) / 2**20
    results = {}
    for mode in ("multirun", "invocations"):
        lakehouse = work / mode
        lakehouse.mkdir()
        shutil.copytree(landing, lakehouse / "landing")
        env = {**os.environ, "PRODI_LAKEHOUSE": str(lakehouse),
               "PRODI_HYDRA_DIR": str(work / f"hydra-{mode}"), "PRODI_LOG_FORMAT": "text"}
        env.pop("PRODI_FORCE_DRY_RUN", None)
        started = time.monotonic()
        if mode == "multirun":
            run([PRODI, "run-layer", "-m", "layer=raw", f"run.date={','.join(dates)}"], env, work)
        else:
            for date in dates:
                run([PRODI, "run-layer", "layer=raw", f"run.date={date}"], env, work)
        results[mode] = time.monotonic() - started
        print(f"{mode}: {results[mode]:.1f}s", flush=True)
    counts = {mode: rows_per_date(work / mode) for mode in results}
    assert counts["multirun"] == counts["invocations"], "the two runs wrote different rows"
    rows = sum(counts["multirun"].values())
    ratio = results["invocations"] / results["multirun"]
    multirun_cmd = f"`prodi run-layer -m layer=raw run.date=<{ns.days} dates>`"
    loop_cmd = f"`prodi run-layer layer=raw run.date=<date>` x {ns.days}"
    section = f"""## Backfill: one multirun vs separate invocations

Raw layer, {ns.days} dates (2026-01-01 .. {dates[-1]}), {rows:,} order rows in {size_mb:.0f} MiB of
landed CSV/JSON ({ns.orders_per_day:,} orders a day), each mode from an empty lakehouse; both
end with identical rows per date.

| mode | command | wall time |
|---|---|---|
| one multirun, one Spark session | {multirun_cmd} | {results['multirun']:.1f} s |
| {ns.days} invocations | {loop_cmd} | {results['invocations']:.1f} s |

**Ratio: {ratio:.1f}x faster** (target: at least 5x).

Machine: {machine()}. Measured {dt.date.today().isoformat()} with
`python scripts/bench/backfill_vs_invocations.py --days {ns.days} --orders-per-day {ns.orders_per_day}`
(`make bench`).
"""
    write_section(ns.report, section)
    print(section)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
