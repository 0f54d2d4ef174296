"""The demo chain on a real Spark standalone cluster (a master and one worker started from the
pip pyspark, on 127.0.0.1 only) through the real CLI with `spark.master=spark://...`: the same
gold as on local[*], computed by its executor, not in the driver."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyspark
import pytest
from chispa import assert_df_equality
from pyspark.sql import types as T

from tests.conftest import REPO
from tests.e2e.standalone_cluster import Cluster, daemon_environ, group_alive, standalone_cluster
from tests.e2e.test_demo_chain import LAYERS, MART_SCHEMAS

pytestmark = [pytest.mark.spark, pytest.mark.slow]
VENV = Path(sys.prefix)  # the test's venv: its `prodi`, its pyspark, its Python on the executors


@dataclass(frozen=True)
class ClusterRun:
    cluster: Cluster
    lakehouse: Path
    output: subprocess.CompletedProcess

    @property
    def landing(self) -> Path:
        return self.lakehouse / "landing"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    """Up for this module's tests; afterwards none of its processes is left, even if a test or
    the start failed."""
    root = tmp_path_factory.mktemp("standalone")
    spark_home = Path(pyspark.__file__).parent
    with standalone_cluster(spark_home, VENV / "bin" / "python", root, cores=2) as running:
        yield running
    left = [g for g in running.process_groups if group_alive(g)]
    assert not left, f"cluster processes left running in process groups {left}"


@pytest.fixture(scope="module")
def chain(cluster: Cluster, tmp_path_factory: pytest.TempPathFactory) -> ClusterRun:
    """`prodi run-layer layer=raw,bronze,silver,gold spark.master=spark://...` on two days of
    demo data, run once for this module."""
    root = tmp_path_factory.mktemp("cluster_run")
    lakehouse = root / "lakehouse"
    subprocess.run([str(VENV / "bin" / "python"), str(REPO / "scripts" / "generate_demo_data.py"),
                    str(lakehouse / "landing"), "--days", "2"], check=True, capture_output=True)
    env = {k: v for k, v in daemon_environ(VENV / "bin" / "python").items()
           if not k.startswith(("PYTEST_", "PRODI_")) and k != "PYTHONPATH"}
    env.update(PRODI_LAKEHOUSE=str(lakehouse), PRODI_HYDRA_DIR=str(root / "hydra"))
    proc = subprocess.run([str(VENV / "bin" / "prodi"), "run-layer", f"layer={','.join(LAYERS)}",
                           f"spark.master={cluster.url}"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, (f"the chain exited {proc.returncode}\nstdout:\n"
                                  f"{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-5000:]}")
    return ClusterRun(cluster, lakehouse, proc)


@pytest.mark.parametrize("mart", sorted(MART_SCHEMAS))
def test_gold_mart_on_the_cluster_matches_independent_computation(chain, spark_session, mart):
    first, first_type, compute = MART_SCHEMAS[mart]
    schema = T.StructType([
        T.StructField(first, first_type), T.StructField("currency", T.StringType()),
        T.StructField("orders", T.LongType()), T.StructField("revenue", T.DecimalType(14, 2))])
    expected = spark_session.createDataFrame(compute(chain.landing), schema)
    assert expected.count() > 0  # two days of orders give every mart rows
    gold = spark_session.read.format("delta").load(str(chain.lakehouse / "gold" / mart))
    assert_df_equality(gold.select(*schema.names), expected, ignore_row_order=True,
                       ignore_nullable=True)


def test_the_chain_ran_as_an_application_of_the_cluster(chain):
    assert f"starting Spark ({chain.cluster.url})" in chain.output.stderr
    state = chain.cluster.state()
    (app,) = state["completedapps"]  # the chain's one session, stopped at its end
    assert app["name"].startswith("prodi-") and app["state"] == "FINISHED"
    assert not state["activeapps"]


def test_its_tasks_ran_in_the_workers_executor_with_the_delta_jars_shipped(chain):
    (app,) = chain.cluster.state()["completedapps"]
    executors = [d for d in (chain.cluster.work_dir / app["id"]).iterdir() if d.is_dir()]
    assert executors, f"no executor folder under {chain.cluster.work_dir / app['id']}"
    stderr = "\n".join((d / "stderr").read_text(errors="replace") for d in executors)
    assert "CoarseGrainedExecutorBackend" in stderr and "Finished task" in stderr
    assert "PythonRunner" in stderr  # Python ran on the executor too, with the venv's Python
    # The driver served Delta's jars to the executor (spark.jars), which fetched them.
    assert any(j.name.startswith("io.delta_delta-spark") or j.name.startswith("delta-spark")
               for d in executors for j in d.glob("*.jar"))
