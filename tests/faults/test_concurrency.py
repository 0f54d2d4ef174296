"""Two `prodi run-layer` processes of one layer at once on one lakehouse end as one run would:
raw takes in every landed file exactly once, bronze and silver equal the serial baseline, and a
run that loses a conflict either retries (exit 0) or fails naming the table and the winner."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from scripts.chaos_trials import PairTrial, pair_trial
from tests.e2e import expected_demo

pytestmark = [pytest.mark.spark, pytest.mark.slow]
LAYERS = ("raw", "bronze", "silver")


@pytest.fixture(scope="module")
def pairs(spark_session, demo_baseline, tmp_path_factory) -> dict[str, PairTrial]:
    """Each layer's pair, all three at once (each on its own copy of the baseline's lakehouse)."""
    with ThreadPoolExecutor(len(LAYERS)) as pool:
        trials = {layer: pool.submit(pair_trial, spark_session, demo_baseline, layer,
                                     tmp_path_factory.mktemp(f"pair-{layer}"))
                  for layer in LAYERS}
    return {layer: trial.result() for layer, trial in trials.items()}


def _outputs(trial: PairTrial) -> str:
    return "\n\n".join(f"exit {run.returncode}:\n{run.output[-3000:]}" for run in trial.runs)


def test_two_raw_runs_take_in_every_landed_file_once(pairs):
    trial = pairs["raw"]
    assert trial.partial == {}
    assert trial.double_ingested == [], _outputs(trial)
    assert trial.differences == []
    assert trial.unexplained_failures == []


@pytest.mark.parametrize("layer", ["bronze", "silver"])
def test_two_runs_at_once_end_as_the_serial_run(pairs, layer):
    trial = pairs[layer]
    assert trial.partial == {}
    assert trial.differences == [], _outputs(trial)
    assert trial.unexplained_failures == []


def test_two_silver_runs_keep_one_current_version_per_customer(pairs, spark_session):
    """Against an independent computation from the landed files, not only the baseline."""
    lakehouse = pairs["silver"].lakehouse
    read = lambda name: spark_session.read.format("delta").load(  # noqa: E731
        str(lakehouse.root / "silver" / name))
    history = read("customers")
    assert history.filter("_is_current").groupBy("customer_id").count() \
        .filter("count > 1").count() == 0
    got = sorted(tuple(r) for r in history.select(
        "customer_id", "name", "email", "country", "_valid_from", "_valid_to").collect())
    assert got == expected_demo.customer_history(lakehouse.root / "landing")
    orders = expected_demo.silver_orders(lakehouse.root / "landing")
    assert sorted(r["order_id"] for r in read("orders").select("order_id").collect()) == \
        sorted(orders)
