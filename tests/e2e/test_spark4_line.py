"""The other Spark line: the demo chain on Spark 4.0 + Delta 4.0 (Databricks 17.3 LTS and
serverless), in a venv of its own holding the built wheel, gives the gold the default line gives.

The real CLI runs raw -> bronze -> silver -> gold on local[*]; Delta's jars are the ones prodi
picks for that venv's pyspark and delta-spark (Scala 2.13). The tables are then read by that
venv's own Spark with Delta's own pip helper (no prodi), and compared with expected_demo's
computation from the landing files, as tests/e2e/test_demo_chain.py does on Spark 3.5.
"""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import generate_demo_data
from tests.e2e import expected_demo
from tests.e2e.conftest import SPARK4, WheelVenv, spark_in
from tests.e2e.test_demo_chain import LAYERS, MART_SCHEMAS

pytestmark = pytest.mark.slow
SPARK4_VERSIONS = dict(p.replace("[connect]", "").split("==") for p in SPARK4)

# Run in the Spark 4 venv: every table the checks need, as JSON, read without prodi.
READER = '''\
import json, sys
from delta import configure_spark_with_delta_pip
from pyspark.sql import SparkSession

lakehouse, out, marts = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
builder = (SparkSession.builder.master("local[1]").appName("spark4-line-check")
           .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC")
           .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
           .config("spark.sql.catalog.spark_catalog",
                   "org.apache.spark.sql.delta.catalog.DeltaCatalog"))
spark = configure_spark_with_delta_pip(builder).getOrCreate()
read = lambda path: spark.read.format("delta").load(f"{lakehouse}/{path}").collect()
found = {
    "spark": spark.version,
    "gold": {m: [[r[c] for c in cols] for r in read(f"gold/{m}")] for m, cols in marts.items()},
    "silver_orders": [r.asDict() for r in read("silver/orders")],
    "quarantine": {layer: [[r["_source_file"], (r["_values"] or {}).get("order_id"),
                            [e["rule"] for e in r["_errors"]]]
                           for r in read(f"quarantine/{layer}/orders")]
                   for layer in ("bronze", "silver")},
    "runs": [[r["kind"], r["layer"], r["status"], r["spark_version"], r["delta_version"]]
             for r in read("_prodi/runs")],
}
spark.stop()
with open(out, "w", encoding="utf-8") as fh:
    json.dump(found, fh, default=str)
'''


class Spark4Chain:
    """The demo's landing files and the tables the chain wrote, as READER found them."""

    def __init__(self, landing: Path, tables: dict[str, Any]) -> None:
        self.landing = landing
        self.tables = tables


@pytest.fixture(scope="module")
def chain(spark4_venv: WheelVenv, tmp_path_factory: pytest.TempPathFactory) -> Spark4Chain:
    """The chain over two days of demo data, run once in the Spark 4 venv, and its tables."""
    root = tmp_path_factory.mktemp("spark4_line")
    lakehouse = root / "lakehouse"
    generate_demo_data(lakehouse / "landing", "--days", "2")
    env = spark4_venv.environ(PRODI_LAKEHOUSE=str(lakehouse), PRODI_HYDRA_DIR=str(root / "hydra"))
    run = subprocess.run([str(spark4_venv.bin / "prodi"), "run-layer", f"layer={','.join(LAYERS)}"],
                         cwd=root, env=env, capture_output=True, text=True, timeout=3600)
    assert run.returncode == 0, run.stderr[-5000:]
    marts = {m: [first, "currency", "orders", "revenue"] for m, (first, _, _) in MART_SCHEMAS.items()}
    out = root / "tables.json"
    read = subprocess.run([str(spark4_venv.python), "-c", READER, str(lakehouse), str(out),
                           json.dumps(marts)], cwd=root, env=spark4_venv.environ(),
                          capture_output=True, text=True, timeout=1200)
    assert read.returncode == 0, read.stderr[-5000:]
    return Spark4Chain(lakehouse / "landing", json.loads(out.read_text(encoding="utf-8")))


def test_the_venv_holds_spark4_and_installing_the_wheel_kept_it(spark4_venv: WheelVenv) -> None:
    assert spark4_venv.runtime_spark["version"] == SPARK4_VERSIONS["pyspark"]
    assert json.loads(spark_in(spark4_venv.python)) == spark4_venv.runtime_spark


def test_every_layer_ran_on_spark4_with_delta4_jars(chain: Spark4Chain) -> None:
    assert chain.tables["spark"] == SPARK4_VERSIONS["pyspark"]
    runs = chain.tables["runs"]  # the run ledger: each layer's run and the chain's
    assert {layer for _, layer, _, _, _ in runs} >= set(LAYERS)
    assert {(status, spark, delta) for _, _, status, spark, delta in runs} == {
        ("ok", SPARK4_VERSIONS["pyspark"], SPARK4_VERSIONS["delta-spark"])}


@pytest.mark.parametrize("mart", sorted(MART_SCHEMAS))
def test_gold_mart_matches_independent_computation(chain: Spark4Chain, mart: str) -> None:
    compute = MART_SCHEMAS[mart][2]
    expected = sorted((str(first), currency, orders, revenue)
                      for first, currency, orders, revenue in compute(chain.landing))
    got = sorted((first, currency, orders, Decimal(revenue))
                 for first, currency, orders, revenue in chain.tables["gold"][mart])
    assert got == expected
    assert got  # two days of orders give every mart rows


def test_silver_orders_and_both_quarantines_match_independent_computation(
        chain: Spark4Chain) -> None:
    expected = expected_demo.silver_orders(chain.landing)
    got = {r["order_id"]: (Decimal(r["amount"]), r["currency"], r["status"], r["product_id"])
           for r in chain.tables["silver_orders"]}
    assert got == {k: (e["amount"], e["currency"], e["status"], e["product_id"])
                   for k, e in expected.items()}
    # Bad amounts (no decimal, or one needing rounding) go to bronze's quarantine, not an ANSI
    # cast error: prodi's handling of messy input is the same on both lines.
    quarantined = {layer: sorted(((Path(f).name, order_id, tuple(rules))
                                  for f, order_id, rules in rows), key=str)
                   for layer, rows in chain.tables["quarantine"].items()}
    assert quarantined == expected_demo.quarantine(chain.landing)
    assert quarantined["bronze"] and quarantined["silver"]
