"""kill -9 at a random point of a raw, bronze and silver run, then the layer run again: every
table is readable, no process of the killed run is left, and the layer ends as the serial
baseline's. PRODI_CHAOS_SEED picks other points (scripts/chaos.py runs many trials)."""

from __future__ import annotations

import os
import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from scripts.chaos_processes import KillPoint
from scripts.chaos_trials import KillTrial, judge_rerun, kill_run, rerun_here

pytestmark = [pytest.mark.spark, pytest.mark.slow]
LAYERS = ("raw", "bronze", "silver")
SEED = int(os.environ.get("PRODI_CHAOS_SEED", "17"))


@pytest.fixture(scope="module")
def trials(spark_session, demo_baseline, tmp_path_factory) -> dict[str, KillTrial]:
    """Each layer's run killed right after a random one of the files a clean run adds (all
    three at once), then each run again here, one after the other."""
    rng = random.Random(SEED)
    points = {layer: KillPoint(new_files=rng.randint(1, demo_baseline.files_added[layer] - 1))
              for layer in LAYERS}
    with ThreadPoolExecutor(len(LAYERS)) as pool:
        killed = {layer: pool.submit(kill_run, spark_session, demo_baseline, layer, points[layer],
                                     tmp_path_factory.mktemp(f"kill-{layer}"))
                  for layer in LAYERS}
    return {layer: judge_rerun(spark_session, demo_baseline, run.result(), rerun_here(run.result()))
            for layer, run in killed.items()}


@pytest.mark.parametrize("layer", LAYERS)
def test_a_killed_run_run_again_ends_as_the_serial_run(trials, layer):
    trial = trials[layer]
    assert trial.run.killed, f"the {layer} run ended before {trial.run.point}"
    assert trial.run.leftovers == []
    assert trial.rerun.returncode == 0
    assert trial.partial == {}
    assert trial.differences == []
