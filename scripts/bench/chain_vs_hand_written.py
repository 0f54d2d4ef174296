"""Benchmarks P1 (prodi vs hand-written PySpark), P4 (a re-run with nothing new) and P6 (scale).

For each size, one streamed landing zone (scripts/bench/generate_orders.py) feeds both
contenders, each from an empty lakehouse, alternating A B A B so machine noise hits both:
- prodi: `prodi run-layer layer=raw,bronze,silver,gold` (one session);
- hand-written: `python scripts/bench/hand_written.py` (one session, same Spark settings).
After each prodi run, the same command again with nothing new (P4). Outside the timing, the
gold tables of both are checked equal. The peak resident set of each run's JVM is sampled.
Results: docs/bench/chain.json, plots docs/bench/*.png, a section of docs/benchmarks.md.

usage: python scripts/bench/chain_vs_hand_written.py [--sizes 1000000,5000000,20000000] [--pairs 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from statistics import median

import psutil
import yaml
from report import machine, write_section

REPO = Path(__file__).resolve().parents[2]
PRODI = str(Path(sys.executable).with_name("prodi"))
DRIVER_MEMORY = "3g"
OUT = REPO / "docs" / "bench"
HEADER = ("| orders | order lines | prodi | hand-written | P1 ratio | re-run | P4 ratio | data files "
          "the re-run wrote | prodi µs/line | JVM peak RSS prodi / hand | gold equal | pairs |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|")


def spark_settings() -> dict[str, str]:
    """The dev env's Spark conf: both contenders run with exactly these."""
    env = yaml.safe_load((REPO / "prodi" / "conf" / "env" / "dev.yaml").read_text())
    return {str(k): str(v) for k, v in env["spark_conf"].items()}


class PeakRss:
    """Samples the resident set of a process tree (the JVM is a child) every 0.2 s."""

    def __init__(self, pid: int) -> None:
        self.proc, self.peak, self._stop = psutil.Process(pid), 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.proc, *self.proc.children(recursive=True)]
                java = [p.memory_info().rss for p in procs if "java" in p.name()]
                self.peak = max(self.peak, *java, 0)
            except psutil.Error:
                pass
            self._stop.wait(0.2)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def timed(args: list[str], env: dict[str, str], log: Path) -> tuple[float, int]:
    """Wall time and peak JVM resident set of one command (its output kept in `log`)."""
    started = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=log.parent)
        rss = PeakRss(proc.pid)
        code = proc.wait()
    took, peak = time.monotonic() - started, rss.stop()
    if code:
        raise SystemExit(f"{' '.join(args)} failed ({code}); see {log}")
    return took, peak


def data_files(lakehouse: Path) -> int:
    return sum(1 for _ in lakehouse.rglob("*.parquet"))


def gold_equal(prodi_lake: Path, hand_lake: Path) -> bool:
    code = (
        "import sys\n"
        "from prodi.runtime.session import get_session\n"
        "s = get_session('local[2]', 'bench-check', {})\n"
        "for mart in ('daily_revenue', 'revenue_by_country'):\n"
        "    a, b = (s.read.format('delta').load(f'{root}/gold/{mart}') for root in sys.argv[1:])\n"
        "    cols = sorted(a.columns)\n"
        "    if a.select(cols).exceptAll(b.select(cols)).count() or "
        "b.select(cols).exceptAll(a.select(cols)).count() or a.count() == 0:\n"
        "        print('DIFF', mart); sys.exit(1)\n"
        "print('EQUAL')\n")
    out = subprocess.run([sys.executable, "-c", code, str(prodi_lake), str(hand_lake)],
                         capture_output=True, text=True)
    return out.returncode == 0 and "EQUAL" in out.stdout


def layer_seconds(log: Path) -> dict[str, float]:
    """Per-layer time: prodi's own `layer X done in Ns` lines, or the script's `X: Ns`."""
    text = log.read_text()
    found = re.findall(r"layer (\w+) done in ([\d.]+)s", text) or \
        re.findall(r"^(raw|bronze|silver|gold): ([\d.]+)s$", text, re.M)
    return {layer: float(s) for layer, s in found}


def run_size(orders: int, pairs: int, work: Path) -> dict:
    landing = work / f"landing-{orders}"
    subprocess.run([sys.executable, str(REPO / "scripts" / "bench" / "generate_orders.py"),
                    str(landing), "--orders", str(orders)], check=True)
    conf = spark_settings()
    base_env = {**os.environ, "PRODI_LOG_FORMAT": "text",
                "PYSPARK_SUBMIT_ARGS": f"--driver-memory {DRIVER_MEMORY} pyspark-shell"}
    base_env.pop("PRODI_FORCE_DRY_RUN", None)
    runs: dict[str, list] = {"prodi": [], "hand": [], "rerun": []}
    equal = True
    for pair in range(pairs):
        lakes = {}
        for contender in ("prodi", "hand"):
            lake = work / f"{contender}-{orders}-{pair}"
            lake.mkdir()
            (lake / "landing").symlink_to(landing)
            lakes[contender] = lake
            if contender == "prodi":
                env = {**base_env, "PRODI_LAKEHOUSE": str(lake), "PRODI_HYDRA_DIR": str(lake / ".hydra")}
                args = [PRODI, "run-layer", "layer=raw,bronze,silver,gold"]
            else:
                env = base_env
                args = [sys.executable, str(REPO / "scripts" / "bench" / "hand_written.py"),
                        str(landing), str(lake), *[f"--conf={k}={v}" for k, v in conf.items()]]
            log = lake / "run.log"
            took, peak = timed(args, env, log)
            runs[contender].append({"seconds": took, "peak_rss": peak, "layers": layer_seconds(log)})
            print(f"{orders:>10,} pair {pair} {contender}: {took:.1f}s, JVM peak "
                  f"{peak / 2**30:.2f} GiB", flush=True)
            if contender == "prodi":
                files = data_files(lake)
                took, peak = timed(args, env, lake / "rerun.log")
                runs["rerun"].append({"seconds": took, "peak_rss": peak,
                                      "new_data_files": data_files(lake) - files})
                print(f"{orders:>10,} pair {pair} prodi re-run: {took:.1f}s", flush=True)
        equal = equal and gold_equal(lakes["prodi"], lakes["hand"])
        for lake in lakes.values():
            shutil.rmtree(lake, ignore_errors=True)
    lines = sum(1 for p in (landing / "orders").glob("*.csv") for _ in p.open()) - 10
    shutil.rmtree(landing, ignore_errors=True)
    return {"orders": orders, "order_lines": lines, "pairs": pairs, "gold_equal": equal, **runs}


def summarize(results: list[dict]) -> dict:
    rows = []
    for r in results:
        prodi = median(x["seconds"] for x in r["prodi"])
        hand = median(x["seconds"] for x in r["hand"])
        rerun = median(x["seconds"] for x in r["rerun"])
        rows.append({"orders": r["orders"], "lines": r["order_lines"], "prodi": prodi,
                     "hand": hand, "ratio": prodi / hand, "rerun": rerun, "rerun_ratio": rerun / prodi,
                     "us_per_row": prodi / r["order_lines"] * 1e6,
                     "hand_us_per_row": hand / r["order_lines"] * 1e6,
                     "peak_gib": max(x["peak_rss"] for x in r["prodi"]) / 2**30,
                     "hand_peak_gib": max(x["peak_rss"] for x in r["hand"]) / 2**30,
                     "new_files": max(x["new_data_files"] for x in r["rerun"]),
                     "equal": r["gold_equal"], "pairs": r["pairs"],
                     "layers": {c: {k: median(x["layers"].get(k, 0) for x in r[c])
                                    for k in ("raw", "bronze", "silver", "gold")}
                                for c in ("prodi", "hand")}})
    return {"rows": rows}


def plot(summary: dict) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = summary["rows"]
    sizes = [r["orders"] / 1e6 for r in rows]
    names = []
    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.plot(sizes, [r["prodi"] for r in rows], "o-", label="prodi (one session)")
    ax.plot(sizes, [r["hand"] for r in rows], "s-", label="hand-written PySpark")
    ax.plot(sizes, [r["rerun"] for r in rows], "^--", label="prodi re-run, nothing new")
    ax.set(xlabel="orders (millions)", ylabel="wall time (s), median", title="P1/P4: the demo chain")
    ax.grid(alpha=.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(OUT / "p1_p4_chain.png", dpi=110)
    names.append("p1_p4_chain.png")
    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.plot(sizes, [r["us_per_row"] for r in rows], "o-", label="prodi, µs per order line")
    ax.plot(sizes, [r["hand_us_per_row"] for r in rows], "s-", label="hand-written, µs per line")
    ax2 = ax.twinx()
    ax2.bar(sizes, [r["peak_gib"] for r in rows], width=0.8, alpha=.25, color="grey",
            label="prodi JVM peak RSS (GiB)")
    ax2.set_ylabel("JVM peak RSS (GiB)")
    ax.set(xlabel="orders (millions)", ylabel="µs per row", title="P6: time per row and memory")
    ax.grid(alpha=.3)
    ax.legend(loc="upper right")
    fig.tight_layout()
    fig.savefig(OUT / "p6_scale.png", dpi=110)
    names.append("p6_scale.png")
    return names


def section(summary: dict, command: str) -> str:
    rows = summary["rows"]
    table = "\n".join(
        f"| {r['orders']:,} | {r['lines']:,} | {r['prodi']:.1f} s | {r['hand']:.1f} s | "
        f"**{r['ratio']:.2f}** | {r['rerun']:.1f} s | **{r['rerun_ratio']:.3f}** | "
        f"{r['new_files']} | {r['us_per_row']:.1f} | {r['peak_gib']:.2f} / {r['hand_peak_gib']:.2f} GiB"
        f" | {'yes' if r['equal'] else 'NO'} | {r['pairs']} |" for r in rows)
    layers = "\n".join(
        f"| {r['orders']:,} | " + " | ".join(
            f"{r['layers']['prodi'][k]:.1f} / {r['layers']['hand'][k]:.1f}"
            for k in ("raw", "bronze", "silver", "gold")) + " |" for r in rows)
    return f"""## P1, P4, P6: the demo chain vs hand-written PySpark, at scale

Each size is one generated landing zone (10 days of order CSVs with ~1% late updates, 0.1%
duplicates, four bad rows; 20,000 customers as JSON lines). prodi runs
`prodi run-layer layer=raw,bronze,silver,gold` in one session; the hand-written script
(`scripts/bench/hand_written.py`) does the same chain in one session, with the same Spark
settings (the dev env's conf, driver memory {DRIVER_MEMORY}). Contenders alternate (A B A B),
each from an empty lakehouse; medians are shown. The re-run is the same prodi command again
with nothing new. The gold tables of both are compared after every pair.

{HEADER}
{table}

Per layer, prodi / hand-written (seconds, from prodi's `layer X done` log lines and the
script's own timings):

| orders | raw | bronze | silver | gold |
|---|---|---|---|---|
{layers}

![P1 and P4](bench/p1_p4_chain.png)

![P6](bench/p6_scale.png)

Machine: {machine()}. Measured {dt.date.today().isoformat()} with `{command}`;
raw numbers in `docs/bench/chain.json`.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000000,5000000,20000000")
    parser.add_argument("--pairs", type=int, default=2)
    parser.add_argument("--pairs-above", type=int, default=5_000_000,
                        help="sizes above this run one pair (the 20M chain takes long)")
    parser.add_argument("--report", type=Path, default=REPO / "docs" / "benchmarks.md")
    parser.add_argument("--keep", action="store_true",
                        help="keep the results of other sizes in docs/bench/chain.json")
    ns = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="prodi-chain-bench-"))
    saved = OUT / "chain.json"
    # Sizes measured earlier (e.g. 20M in a run of its own) are kept unless measured again.
    results = json.loads(saved.read_text()) if saved.exists() and ns.keep else []
    for size in (int(s) for s in ns.sizes.split(",")):
        pairs = ns.pairs if size <= ns.pairs_above else 1
        results = [r for r in results if r["orders"] != size] + [run_size(size, pairs, work)]
        results.sort(key=lambda r: r["orders"])
        saved.write_text(json.dumps(results, indent=1))
    summary = summarize(results)
    plot(summary)
    command = "python scripts/bench/chain_vs_hand_written.py " + " ".join(sys.argv[1:])
    text = section(summary, command.strip())
    write_section(ns.report, text)
    print(text)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
