"""The demo chain on a real Spark standalone cluster (a master and one worker started from the
pip pyspark, on 127.0.0.1 only) through the real CLI with `spark.master=spark://...`: the same
gold as on local[*], computed by the worker's executor, not in the driver. Then spark-submit
runs the `run-layer` entry point there too, as on EMR, Dataproc or Kubernetes."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyspark
import pytest
from chispa import assert_df_equality

from prodi.runtime.jars import installed_delta_artifacts
from tests.conftest import REPO
from tests.e2e.standalone_cluster import Cluster, daemon_environ, group_alive, standalone_cluster
from tests.e2e.test_demo_chain import LAYERS, MART_SCHEMAS, expected_mart

pytestmark = [pytest.mark.spark, pytest.mark.slow]
VENV = Path(sys.prefix)  # the test's venv: its `prodi`, its pyspark, its Python on the executors


# What EMR, Dataproc and Kubernetes run (docs/run/cluster.md): spark-submit starts the driver,
# which calls the wheel's `run-layer` entry point with the job's arguments.
DRIVER = """\
from prodi.cli.main import run_layer

run_layer()
"""


@dataclass(frozen=True)
class ClusterRun:
    cluster: Cluster
    root: Path
    lakehouse: Path
    env: dict[str, str]
    output: subprocess.CompletedProcess
    app: dict  # the chain's application, as the master lists it

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
    assert proc.returncode == 0, failed("the chain", proc)
    (app,) = cluster.completed_apps()  # the chain's one session, stopped at its end
    return ClusterRun(cluster, root, lakehouse, env, proc, app)


def failed(what: str, proc: subprocess.CompletedProcess) -> str:
    return (f"{what} exited {proc.returncode}\nstdout:\n{proc.stdout[-3000:]}\nstderr:\n"
            f"{proc.stderr[-5000:]}")


def commits_of(chain: ClusterRun, mart: str) -> int:
    return len(list((chain.lakehouse / "gold" / mart / "_delta_log").glob("*.json")))


def gold_rows(spark_session, chain: ClusterRun, mart: str) -> list[tuple]:
    first = MART_SCHEMAS[mart][0]
    gold = spark_session.read.format("delta").load(str(chain.lakehouse / "gold" / mart))
    return sorted(tuple(r) for r in gold.select(first, "currency", "orders", "revenue").collect())


@pytest.mark.parametrize("mart", sorted(MART_SCHEMAS))
def test_gold_mart_on_the_cluster_matches_independent_computation(chain, spark_session, mart):
    expected = expected_mart(spark_session, mart, chain.landing)
    assert expected.count() > 0  # two days of orders give every mart rows
    gold = spark_session.read.format("delta").load(str(chain.lakehouse / "gold" / mart))
    assert_df_equality(gold.select(*expected.columns), expected, ignore_row_order=True,
                       ignore_nullable=True)


def test_the_chain_ran_as_an_application_of_the_cluster(chain):
    assert f"starting Spark ({chain.cluster.url})" in chain.output.stderr
    assert chain.app["name"].startswith("prodi-") and chain.app["state"] == "FINISHED"
    assert chain.app["cores"] > 0  # it had the worker's executor


def test_its_tasks_ran_in_the_workers_executor_with_the_delta_jars_shipped(chain):
    app = chain.app
    executors = [d for d in (chain.cluster.work_dir / app["id"]).iterdir() if d.is_dir()]
    assert executors, f"no executor folder under {chain.cluster.work_dir / app['id']}"
    stderr = "\n".join((d / "stderr").read_text(errors="replace") for d in executors)
    assert "CoarseGrainedExecutorBackend" in stderr and "Finished task" in stderr
    assert "PythonRunner" in stderr  # Python ran on the executor too, with the venv's Python
    # The driver served Delta's jars to the executor (spark.jars), which fetched them.
    assert any(j.name.startswith("io.delta_delta-spark") or j.name.startswith("delta-spark")
               for d in executors for j in d.glob("*.jar"))


# Last: it rebuilds a gold mart through spark-submit, in a second application.
def test_spark_submit_runs_the_entry_point_on_the_clusters_master(chain, spark_session):
    """spark-submit's --master and --packages apply: prodi's default spark.master (local[*])
    must not take the driver off the cluster."""
    driver = chain.root / "prodi_driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    mart, compute = "daily_revenue", MART_SCHEMAS["daily_revenue"][2]
    commits = commits_of(chain, mart)
    proc = subprocess.run(
        [str(Path(pyspark.__file__).parent / "bin" / "spark-submit"), "--master", chain.cluster.url,
         "--packages", ":".join(installed_delta_artifacts()[0]), str(driver), "layer=gold",
         f"datasets=[{mart}]", "run.full_refresh=true"],
        cwd=chain.root, env=chain.env, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, failed("spark-submit", proc)
    apps = [a for a in chain.cluster.completed_apps() if a["id"] != chain.app["id"]]
    assert [a["name"] for a in apps] == ["prodi-gold"], apps
    assert (chain.cluster.work_dir / apps[0]["id"]).is_dir()  # its executor ran on the worker
    assert commits_of(chain, mart) > commits  # rebuilt by that application
    assert gold_rows(spark_session, chain, mart) == compute(chain.landing)
