"""kill -9 at a random point of a raw, bronze and silver run, then the layer run again: every
table is readable, no process of the killed run is left, and the layer ends as the serial
baseline's. Each run takes in the demo's next delivery. PRODI_CHAOS_SEED picks other points
(scripts/chaos.py runs many trials)."""

from __future__ import annotations

import os
import random

import pytest

from scripts.chaos_lakehouse import NEXT
from scripts.chaos_processes import KillPoint
from scripts.chaos_trials import judge_rerun, kill_run, rerun_here

pytestmark = [pytest.mark.spark, pytest.mark.slow]
SEED = int(os.environ.get("PRODI_CHAOS_SEED", "17"))


@pytest.mark.parametrize("layer", ["raw", "bronze", "silver"])
def test_a_killed_run_run_again_ends_as_the_serial_run(spark_session, demo_baseline, tmp_path,
                                                       layer):
    """Killed right after a random one of the files a clean run adds (data, commit, checksum)."""
    added = demo_baseline.files_added[NEXT, layer]
    point = KillPoint(new_files=random.Random(f"{SEED}-{layer}").randint(1, added - 1))
    run = kill_run(spark_session, demo_baseline, layer, point, tmp_path)
    assert run.killed, f"the {layer} run ended before {point}"
    assert run.leftovers == []
    trial = judge_rerun(spark_session, demo_baseline, run, rerun_here(run))
    assert trial.rerun.returncode == 0
    assert trial.partial == {}
    assert trial.differences == []
