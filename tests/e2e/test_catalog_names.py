"""The demo chain with tables by catalog name (`cloud.catalog=spark_catalog cloud.schema=sales`),
through the real CLI on local Spark + Delta: every table is a managed table of Spark's session
catalog, kept in the Derby metastore prodi sets up under the lakehouse root, so the names a run
creates are there for the next process. The first day runs up to silver, then the whole chain
merges the second day in; gold equals the independent computation, and a third process (`prodi
doctor`) finds the tables by name."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from chispa import assert_df_equality

from tests.conftest import generate_demo_data
from tests.e2e import expected_demo
from tests.e2e.test_demo_chain import MART_SCHEMAS, expected_mart

pytestmark = [pytest.mark.spark, pytest.mark.slow]
PRODI = Path(sys.prefix) / "bin" / "prodi"
NAMED = ["cloud.catalog=spark_catalog", "cloud.schema=sales"]
FIRST_DAY = "2026-01-01"  # scripts/generate_demo_data.py's first delivery


@dataclass(frozen=True)
class NamedChain:
    root: Path  # the working directory of every run
    lakehouse: Path
    stderr: str  # both chain runs'
    env: dict[str, str]

    @property
    def warehouse(self) -> Path:
        return self.lakehouse / "_catalog" / "warehouse" / "sales.db"

    def table(self, spark, name: str):  # noqa: ANN201 - a DataFrame
        """A managed table, read by its files (the test's session has a catalog of its own)."""
        return spark.read.format("delta").load(str(self.warehouse / name))


def _prodi(chain_env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(PRODI), *args], cwd=cwd, env=chain_env, capture_output=True,
                          text=True, timeout=1800)
    assert proc.returncode == 0, (f"prodi {' '.join(args)} exited {proc.returncode}\nstdout:\n"
                                  f"{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-5000:]}")
    return proc


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> NamedChain:
    import os

    root = tmp_path_factory.mktemp("catalog_names")
    lakehouse = root / "lakehouse"
    generate_demo_data(lakehouse / "landing", "--days", "2")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "PRODI_"))}
    env.update(PRODI_LAKEHOUSE=str(lakehouse), PRODI_HYDRA_DIR=str(root / "hydra"))
    first = _prodi(env, root, "run-layer", "layer=raw,bronze,silver", f"run.date={FIRST_DAY}", *NAMED)
    rest = _prodi(env, root, "run-layer", "layer=raw,bronze,silver,gold", *NAMED)
    return NamedChain(root, lakehouse, first.stderr + rest.stderr, env)


@pytest.mark.parametrize("mart", sorted(MART_SCHEMAS))
def test_gold_by_name_matches_independent_computation(spark_session, chain, mart):
    assert f"-> spark_catalog.sales.gold_{mart}" in chain.stderr
    expected = expected_mart(spark_session, mart, chain.lakehouse / "landing")
    assert_df_equality(chain.table(spark_session, f"gold_{mart}").select(*expected.columns), expected,
                       ignore_row_order=True, ignore_nullable=True)


def test_silver_orders_by_name_were_merged_and_hold_the_latest_version(spark_session, chain):
    expected = expected_demo.silver_orders(chain.lakehouse / "landing")
    silver = chain.table(spark_session, "silver_orders")
    rows = {r["order_id"]: (r["amount"], r["currency"], r["status"], r["product_id"])
            for r in silver.collect()}
    assert rows == {k: (e["amount"], e["currency"], e["status"], e["product_id"])
                    for k, e in expected.items()}
    history = spark_session.sql(f"DESCRIBE HISTORY delta.`{chain.warehouse / 'silver_orders'}`")
    assert "MERGE" in {r["operation"] for r in history.collect()}  # the second day, by name


def test_every_table_is_in_the_catalog_and_none_is_a_path(chain):
    tables = {p.name for p in chain.warehouse.iterdir() if (p / "_delta_log").is_dir()}
    assert {"raw_orders", "bronze_orders", "silver_orders", "gold_daily_revenue",
            "quarantine_silver_orders", "changes_silver_customers", "ingested_files_raw_orders",
            "prodi_runs", "prodi_dataset_runs"} <= tables
    layers = ("raw", "bronze", "silver", "gold", "quarantine", "changes", "ingested_files", "_prodi")
    assert not [d for d in layers if (chain.lakehouse / d).exists()]
    # Derby's database and log stay under the root, not in the working directory.
    assert sorted(p.name for p in chain.root.iterdir()) == ["hydra", "lakehouse"]
    assert (chain.lakehouse / "_catalog" / "metastore_db").is_dir()


def test_the_run_ledger_is_named_and_holds_both_chains(spark_session, chain):
    runs = chain.table(spark_session, "prodi_runs")
    assert runs.where("kind = 'chain' AND status = 'ok'").count() == 2
    assert runs.where("kind = 'layer'").count() == 7  # 3 layers, then 4


def test_a_later_process_finds_the_tables_by_name(chain):
    doctor = _prodi(chain.env, chain.root, "doctor", "layer=silver", *NAMED).stdout
    assert "spark_catalog.sales.silver_orders" in doctor and " 0 broken" in doctor
