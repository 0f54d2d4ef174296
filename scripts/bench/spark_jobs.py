"""How many Spark jobs each layer runs per dataset, on the demo data: first run, then a re-run
with nothing new. Each (layer, dataset) runs in its own process with Spark's event log on, and
the log's job starts are counted. `--source DIR` measures another checkout (e.g. a worktree of
an older commit) for a before/after table in docs/benchmarks.md.

usage: python scripts/bench/spark_jobs.py [--source DIR] [--label after]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from report import write_section

REPO = Path(__file__).resolve().parents[2]
ITEMS = [("raw", "orders"), ("raw", "customers"), ("bronze", "orders"), ("bronze", "customers"),
         ("silver", "orders"), ("silver", "customers"), ("gold", "daily_revenue"),
         ("gold", "revenue_by_country")]
OUT = REPO / "docs" / "bench" / "spark_jobs.json"


def jobs_of(layer: str, dataset: str, source: Path, lakehouse: Path, events: Path) -> int:
    events.mkdir(parents=True, exist_ok=True)
    before = set(events.iterdir())
    env = {**os.environ, "PYTHONPATH": str(source), "PRODI_LAKEHOUSE": str(lakehouse),
           "PRODI_HYDRA_DIR": str(lakehouse.parent / "hydra"),
           "PYSPARK_SUBMIT_ARGS": f"--conf spark.eventLog.enabled=true --conf "
                                  f"spark.eventLog.dir=file://{events} pyspark-shell"}
    # Spark writes the whole event log only when the context stops.
    code = ("import sys\nfrom pyspark.sql import SparkSession\nimport prodi\n"
            "sys.stderr.write(f'PRODI_FROM {prodi.__file__}\\n')\nfrom prodi.cli.main import main\n"
            "main(sys.argv[1:])\nSparkSession.getActiveSession().stop()\n")
    # Run outside any checkout: `-c` puts the working directory first on sys.path.
    done = subprocess.run([sys.executable, "-c", code, "run-layer", f"layer={layer}",
                           f"datasets=[{dataset}]"], env=env, check=True, capture_output=True,
                          text=True, cwd=lakehouse.parent)
    assert f"PRODI_FROM {source.resolve()}/" in done.stderr, "measured another checkout"
    (log,) = set(events.iterdir()) - before
    return sum(json.loads(line).get("Event") == "SparkListenerJobStart"
               for line in log.read_text().splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=REPO)
    parser.add_argument("--label", default="after")
    parser.add_argument("--before-commit", default="093afdb")
    parser.add_argument("--report", type=Path, default=REPO / "docs" / "benchmarks.md")
    ns = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="prodi-jobs-"))
    lakehouse = work / "lakehouse"
    subprocess.run([sys.executable, str(REPO / "scripts" / "generate_demo_data.py"),
                    str(lakehouse / "landing")], check=True, capture_output=True)
    counts = {}
    for run in ("first run", "re-run"):
        for layer, dataset in ITEMS:
            n = jobs_of(layer, dataset, ns.source, lakehouse, work / "events")
            counts.setdefault(f"{layer}/{dataset}", {})[run] = n
            print(f"{ns.label}: {layer}/{dataset} {run}: {n} Spark jobs", flush=True)
    results = json.loads(OUT.read_text()) if OUT.exists() else {}
    results[ns.label] = counts
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(results, indent=1))
    if {"before", "after"} <= set(results):
        write_section(ns.report, section(results, ns.before_commit))


def section(results: dict, before_commit: str) -> str:
    rows = "\n".join(
        f"| {item} | {results['before'][item]['first run']} | {results['after'][item]['first run']}"
        f" | {results['before'][item]['re-run']} | {results['after'][item]['re-run']} |"
        for item in results["after"])
    return f"""## Spark jobs per layer and dataset

Spark jobs each `prodi run-layer layer=<layer> datasets=[<dataset>]` runs on the demo data,
counted from Spark's event log: before this work (commit `{before_commit}`) and now; first on an
empty lakehouse, then a re-run with nothing new.

| layer/dataset | first run, before | first run, now | re-run, before | re-run, now |
|---|---|---|---|---|
{rows}

Measured with `python scripts/bench/spark_jobs.py --source <worktree of {before_commit}> --label
before` and `python scripts/bench/spark_jobs.py --source . --label after`.
"""


if __name__ == "__main__":
    main()
