"""Runs that meet another run or a `kill -9`, on one lakehouse, end as the serial baseline.

- Two `prodi run-layer` processes of one layer at once end as one run would: raw takes in every
  landed file exactly once, bronze and silver equal the serial baseline, and a run that loses a
  conflict either retries (exit 0) or fails naming the table and the winner.
- A raw, bronze or silver run killed at a random point, then run again: every table is readable,
  no process of the killed run is left, and the layer ends as the baseline's. PRODI_CHAOS_SEED
  picks other points (scripts/chaos.py runs many trials).

Each scenario takes in the demo's next delivery, over tables its first delivery created. Both
kinds share one module so that one test process builds the baseline (conftest.py) for all.
"""

from __future__ import annotations

import os
import random

import pytest

from scripts.chaos_lakehouse import NEXT
from scripts.chaos_processes import KillPoint
from scripts.chaos_trials import PairTrial, judge_rerun, kill_run, pair_trial, rerun_here
from tests.e2e import expected_demo

pytestmark = [pytest.mark.spark, pytest.mark.slow]
SEED = int(os.environ.get("PRODI_CHAOS_SEED", "17"))


def _outputs(trial: PairTrial) -> str:
    return "\n\n".join(f"exit {run.returncode}:\n{run.output[-3000:]}" for run in trial.runs)


def test_two_raw_runs_take_in_every_landed_file_once(spark_session, demo_baseline, tmp_path):
    trial = pair_trial(spark_session, demo_baseline, "raw", tmp_path)
    assert trial.partial == {}
    assert trial.double_ingested == [], _outputs(trial)
    assert trial.differences == []
    assert trial.unexplained_failures == []


def test_two_bronze_runs_end_as_the_serial_run(spark_session, demo_baseline, tmp_path):
    trial = pair_trial(spark_session, demo_baseline, "bronze", tmp_path)
    assert trial.partial == {}
    assert trial.differences == [], _outputs(trial)
    assert trial.unexplained_failures == []


def test_two_silver_runs_end_as_the_serial_run(spark_session, demo_baseline, tmp_path):
    trial = pair_trial(spark_session, demo_baseline, "silver", tmp_path)
    assert trial.partial == {}
    assert trial.differences == [], _outputs(trial)
    assert trial.unexplained_failures == []
    # and against an independent computation from the landed files: one current version per
    # customer, the whole history, every valid order
    root = trial.lakehouse.root
    read = lambda name: spark_session.read.format("delta").load(str(root / "silver" / name))  # noqa: E731
    history = read("customers")
    assert history.filter("_is_current").groupBy("customer_id").count() \
        .filter("count > 1").count() == 0
    got = sorted(tuple(r) for r in history.select(
        "customer_id", "name", "email", "country", "_valid_from", "_valid_to").collect())
    assert got == expected_demo.customer_history(root / "landing")
    orders = expected_demo.silver_orders(root / "landing")
    assert sorted(r["order_id"] for r in read("orders").select("order_id").collect()) == \
        sorted(orders)


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
