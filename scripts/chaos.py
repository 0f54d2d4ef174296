"""Fault injection, many times over: `prodi run-layer` killed with SIGKILL at random points and
run again, and pairs of raw runs started together, each on the demo lakehouse of a serial
baseline as it was before that layer's clean run, and compared with what that run left. Prints a
summary; exits 1 when any trial found a fault.

usage: python scripts/chaos.py [--trials N] [--pairs N] [--seed S] [--layers raw,bronze,silver]
                               [--pair-layer L] [--delivery first|next|both] [--datasets A,B]
                               [--max-seconds S] [--workdir DIR]

Trials run one after another, at the baseline's own root (prodi keys what it has taken in by
absolute path, so each trial puts the saved state back there).

Not part of `make test` (tests/faults runs a few trials of each): see docs/reliability.md.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scripts.chaos_lakehouse import Baseline
    from scripts.chaos_trials import KillTrial, PairTrial

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=0,
                        help="kill -9 trials in all, spread over the layers in turn")
    parser.add_argument("--pairs", type=int, default=0, help="concurrent raw pairs")
    parser.add_argument("--seed", type=int, default=None, help="kill points (default: random)")
    parser.add_argument("--layers", default="raw,bronze,silver", help="layers of the kill trials")
    parser.add_argument("--pair-layer", default="raw", help="the layer the pairs run")
    parser.add_argument("--delivery", choices=("first", "next", "both"), default="both",
                        help="trials on the demo's first delivery (tables created by the run), "
                             "its next one (tables there already), or each in turn")
    parser.add_argument("--datasets", default=None,
                        help="the datasets every run takes, e.g. orders,customers (default: all)")
    parser.add_argument("--max-seconds", type=float, default=60.0,
                        help="latest time-based kill point, seconds after the run started")
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temporary folder")
    ns = parser.parse_args()
    layers = tuple(ns.layers.split(","))
    seed = ns.seed if ns.seed is not None else random.randrange(1_000_000)
    workdir = ns.workdir or Path(tempfile.mkdtemp(prefix="prodi-chaos-"))

    # Every harness module loaded now: a long run can't mix in edits made while it goes on.
    from scripts import chaos_processes, chaos_trials  # noqa: F401
    from scripts.chaos_lakehouse import FIRST, LAYERS, NEXT, build_baseline

    spark = _spark()
    print(f"seed {seed}; lakehouses under {workdir}; serial baseline of {', '.join(layers)} ...",
          flush=True)
    needed = (*layers, ns.pair_layer) if ns.pairs else layers
    ordered = LAYERS[:max(LAYERS.index(layer) for layer in needed) + 1]
    deliveries = (FIRST, NEXT) if ns.delivery == "both" else (ns.delivery,)
    overrides = (f"datasets=[{ns.datasets}]",) if ns.datasets else ()
    baseline = build_baseline(spark, workdir / "baseline", ordered, deliveries, overrides)
    print("baseline: " + ", ".join(f"{layer} ({delivery}) {seconds:.0f}s, "
                                   f"{baseline.files_added[delivery, layer]} files"
                                   for (delivery, layer), seconds in baseline.seconds.items()),
          flush=True)
    rng = random.Random(seed)
    kills = [_kill_trial(spark, baseline, layers[i % len(layers)],
                         deliveries[i // len(layers) % len(deliveries)], rng, ns.max_seconds,
                         workdir / f"kill-{i:03d}") for i in range(ns.trials)]
    pairs = [_pair_trial(spark, baseline, ns.pair_layer, deliveries[i % len(deliveries)],
                         workdir / f"pair-{i:03d}") for i in range(ns.pairs)]
    faults = _summary(kills, pairs, ns.pair_layer)
    print(f"\nseed {seed}; {'FAIL' if faults else 'PASS'}: {faults} trial(s) with faults")
    return 1 if faults else 0


def _spark():
    from prodi.runtime.jars import JDBC_DRIVERS
    from prodi.runtime.session import get_session

    return get_session("local[2]", "prodi-chaos", {"spark.ui.enabled": "false"},
                       packages=[JDBC_DRIVERS["sqlite"].coordinate])


def _kill_trial(spark, baseline: Baseline, layer: str, delivery: str, rng: random.Random,
                max_seconds: float, base: Path) -> KillTrial:
    from scripts.chaos_processes import random_kill_point
    from scripts.chaos_trials import judge_rerun, kill_run, rerun_process

    point = random_kill_point(rng, baseline.files_added[delivery, layer], max_seconds)
    run = kill_run(spark, baseline, layer, point, base, delivery)
    judged = judge_rerun(spark, baseline, run, rerun_process(run))
    faults = judged.faults()
    ended = "" if run.killed else " (ended first)"
    print(f"{base.name}: {layer} ({delivery} delivery) killed {point}{ended}, "
          f"{run.files_at_kill} files in, {len(run.partial)} partial table(s) after the kill; "
          f"re-run {judged.rerun.seconds:.0f}s: {'; '.join(faults) or 'ok'}", flush=True)
    _keep_faulty(judged, base)
    return judged


def _pair_trial(spark, baseline: Baseline, layer: str, delivery: str, base: Path) -> PairTrial:
    from scripts.chaos_trials import pair_trial

    judged = pair_trial(spark, baseline, layer, base, delivery)
    faults = judged.faults()
    exits = ", ".join(f"exit {r.returncode}{' (retried)' if r.retried else ''}" for r in judged.runs)
    print(f"{base.name}: {layer} pair ({delivery} delivery) {exits}: "
          f"{'; '.join(faults) or 'ok'}", flush=True)
    _keep_faulty(judged, base)
    return judged


def _keep_faulty(trial: KillTrial | PairTrial, base: Path) -> None:
    """A faulty trial's lakehouse copied beside its logs (the next trial overwrites the root)."""
    if trial.faults():
        trial.lakehouse.save(base / "lakehouse")


def _summary(kills: list[KillTrial], pairs: list[PairTrial], pair_layer: str) -> int:
    print("\n== summary")
    if kills:
        per_layer = Counter(f"{k.run.layer} ({k.run.delivery})" for k in kills)
        print(f"kill -9 trials: {len(kills)} ({', '.join(f'{a} {n}' for a, n in per_layer.items())});"
              f" killed before the end: {sum(k.run.killed for k in kills)}")
        print(f"  tables left partial by the kill: {sum(len(k.run.partial) for k in kills)}; "
              f"partial tables after the re-run: {sum(len(k.partial) for k in kills)}")
        print(f"  differences from the baseline: {sum(len(k.differences) for k in kills)}; "
              f"re-runs failed: {sum(k.rerun.returncode != 0 for k in kills)}; "
              f"leftover processes: {sum(len(k.run.leftovers) for k in kills)}")
    if pairs:
        runs = [r for p in pairs for r in p.runs]
        failed = [r for r in runs if r.returncode != 0]
        print(f"concurrent {pair_layer} pairs: {len(pairs)}; runs exited 0: {len(runs) - len(failed)}"
              f" (of them retried: {sum(r.retried for r in runs if r.returncode == 0)}); "
              f"failed: {len(failed)}")
        print(f"  double-ingested files: {sum(len(p.double_ingested) for p in pairs)}; "
              f"differences from the baseline: {sum(len(p.differences) for p in pairs)}; "
              f"partial tables: {sum(len(p.partial) for p in pairs)}; "
              f"failures without the table and the winning run named: "
              f"{sum(len(p.unexplained_failures) for p in pairs)}")
        for r in failed:
            print(f"  failure of run {r.run_id}: {r.failure()[:400]}")
    faulty = [t for t in [*kills, *pairs] if t.faults()]
    for t in faulty:
        print(f"  {t.lakehouse.workdir}: " + "; ".join(t.faults())[:1000])
    return len(faulty)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    started = time.monotonic()
    code = main()
    print(f"({time.monotonic() - started:.0f}s)")
    sys.exit(code)
