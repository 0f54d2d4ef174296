"""Two `prodi run-layer layer=silver` processes at once on one lakehouse: both finish, and the
tables are what one run gives, with one current version per customer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from prodi.cli.main import main
from tests.conftest import generate_demo_data
from tests.e2e import expected_demo

pytestmark = [pytest.mark.spark, pytest.mark.slow]


def test_two_silver_runs_at_once_end_as_one_run(spark_session, isolated_run):
    lakehouse = isolated_run / "lakehouse"
    generate_demo_data(lakehouse / "landing")
    main(["run-layer", "layer=raw,bronze"])
    prodi = str(Path(sys.executable).parent / "prodi")
    env = {**os.environ, "PRODI_LOG_FORMAT": "text"}
    runs = [subprocess.Popen([prodi, "run-layer", "layer=silver"], cwd=isolated_run, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for _ in range(2)]
    outputs = [run.communicate(timeout=600)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs

    read = lambda name: spark_session.read.format("delta").load(  # noqa: E731
        str(lakehouse / "silver" / name))
    history = read("customers")
    assert history.filter("_is_current").groupBy("customer_id").count() \
        .filter("count > 1").count() == 0
    got = sorted(tuple(r) for r in history.select(
        "customer_id", "name", "email", "country", "_valid_from", "_valid_to").collect())
    assert got == expected_demo.customer_history(lakehouse / "landing")
    orders = expected_demo.silver_orders(lakehouse / "landing")
    assert sorted(r["order_id"] for r in read("orders").select("order_id").collect()) == \
        sorted(orders)
