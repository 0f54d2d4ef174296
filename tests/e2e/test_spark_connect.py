"""The demo chain through a real Spark Connect server (Spark 4.0 + Delta 4.0), from the real CLI in
the Spark 4 venv: the same gold as the independent computation, MERGE (silver) included.

The server is started once for the module from the venv's pyspark (`spark-submit --class
...SparkConnectServer`), with the Delta jars (and the demo's SQLite JDBC driver) prodi itself
fetches through Ivy, on 127.0.0.1 only. The client has no Java at all (JAVA_HOME points nowhere),
so a run that started a JVM of its own would fail; the server's log names the client's user id.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from chispa import assert_df_equality

from prodi.runtime.jars import JDBC_DRIVERS
from prodi.runtime.session import DELTA_CONF
from tests.conftest import generate_demo_data
from tests.e2e import expected_demo
from tests.e2e.conftest import WheelVenv
from tests.e2e.test_demo_chain import MART_SCHEMAS, expected_mart

pytestmark = [pytest.mark.spark, pytest.mark.slow]
SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"
# Run in the Spark 4 venv: the jars a local session of its prodi would start with (Delta's for
# its pyspark, and the packages given), fetched through Ivy like any prodi run's.
JARS = """\
import sys
from prodi.runtime.session import local_jars
print(",".join(local_jars({}, None, tuple(sys.argv[1:]))))
"""
SPARK_HOME = "import os, pyspark; print(os.path.dirname(pyspark.__file__))"
NO_JAVA = "/nonexistent-java-home"  # the client must not need one
FIRST_DAY = "2026-01-01"  # scripts/generate_demo_data.py's first delivery


@dataclass(frozen=True)
class ConnectServer:
    port: int
    log: Path

    def url(self, user: str) -> str:
        return f"sc://127.0.0.1:{self.port}/;user_id={user}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _output(venv: WheelVenv, *args: str) -> str:
    proc = subprocess.run([str(venv.python), *args], env=venv.environ(), capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.strip().splitlines()[-1]


def _wait_listening(process: subprocess.Popen, port: int, log: Path) -> None:
    """Poll until the server accepts connections; fail with its log if it exits first."""
    deadline = time.monotonic() + 600  # a stuck start, not a slow one
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"Spark Connect server exited {process.returncode}:\n"
                        f"{log.read_text(errors='replace')[-4000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"Spark Connect server not listening after 600 s:\n{log.read_text()[-4000:]}")


def _stop(process: subprocess.Popen) -> None:
    """The server's whole process group: spark-submit's shell and the JVM it became."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(60)


@pytest.fixture(scope="module")
def connect_server(spark4_venv: WheelVenv, tmp_path_factory: pytest.TempPathFactory
                   ) -> Iterator[ConnectServer]:
    root = tmp_path_factory.mktemp("spark_connect_server")
    jars = _output(spark4_venv, "-c", JARS, JDBC_DRIVERS["sqlite"].coordinate)
    spark_home = _output(spark4_venv, "-c", SPARK_HOME)
    port, log = _free_port(), root / "server.log"
    conf = {**DELTA_CONF, "spark.connect.grpc.binding.address": "127.0.0.1",
            "spark.connect.grpc.binding.port": str(port), "spark.driver.host": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1", "spark.ui.enabled": "false",
            "spark.sql.shuffle.partitions": "2", "spark.sql.codegen.wholeStage": "false"}
    command = [f"{spark_home}/bin/spark-submit", "--class", SERVER_CLASS, "--name",
               "prodi-e2e-connect", "--master", "local[2]", "--jars", jars,
               *(a for k, v in conf.items() for a in ("--conf", f"{k}={v}")), "spark-internal"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=root, stdout=out, stderr=subprocess.STDOUT,
                                   env=spark4_venv.environ(SPARK_HOME=spark_home),
                                   start_new_session=True)
    try:
        _wait_listening(process, port, log)
        yield ConnectServer(port, log)
    finally:
        _stop(process)


@dataclass(frozen=True)
class ConnectChain:
    lakehouse: Path
    user: str
    stderr: str  # both CLI runs'


def _prodi(venv: WheelVenv, cwd: Path, args: list[str], **env: str) -> str:
    proc = subprocess.run([str(venv.bin / "prodi"), "run-layer", *args], cwd=cwd,
                          env=venv.environ(JAVA_HOME=NO_JAVA, **env), capture_output=True,
                          text=True, timeout=1800)
    assert proc.returncode == 0, (f"prodi run-layer {args} exited {proc.returncode}\n"
                                  f"stdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-5000:]}")
    return proc.stderr


@pytest.fixture(scope="module")
def chain(spark4_venv: WheelVenv, connect_server: ConnectServer,
          tmp_path_factory: pytest.TempPathFactory) -> ConnectChain:
    """Two days of the demo: the first up to silver, with SPARK_REMOTE set; then every layer
    with spark.remote in the config, which merges the second day into silver."""
    lakehouse = tmp_path_factory.mktemp("connect_lakehouse")
    generate_demo_data(lakehouse / "landing", "--days", "2")
    user = f"prodi-e2e-{uuid.uuid4().hex[:12]}"
    url = connect_server.url(user)
    first = _prodi(spark4_venv, lakehouse, ["layer=raw,bronze,silver", f"run.date={FIRST_DAY}"],
                   PRODI_LAKEHOUSE=str(lakehouse), SPARK_REMOTE=url)
    rest = _prodi(spark4_venv, lakehouse, ["layer=raw,bronze,silver,gold", f"spark.remote='{url}'"],
                  PRODI_LAKEHOUSE=str(lakehouse))
    return ConnectChain(lakehouse, user, first + rest)


def test_the_runs_went_through_the_connect_server(chain: ConnectChain,
                                                  connect_server: ConnectServer) -> None:
    assert chain.stderr.count("connecting to Spark Connect at sc://127.0.0.1:") >= 2
    assert "starting Spark (" not in chain.stderr  # no session of the client's own
    assert f"userId: {chain.user}" in connect_server.log.read_text(errors="replace")


@pytest.mark.parametrize("mart", sorted(MART_SCHEMAS))
def test_gold_through_connect_matches_independent_computation(spark_session, chain, mart):
    expected = expected_mart(spark_session, mart, chain.lakehouse / "landing")
    gold = spark_session.read.format("delta").load(str(chain.lakehouse / "gold" / mart))
    assert_df_equality(gold, expected, ignore_row_order=True, ignore_nullable=True)


def test_silver_orders_merged_through_connect_hold_the_latest_version(spark_session, chain):
    expected = expected_demo.silver_orders(chain.lakehouse / "landing")
    silver = spark_session.read.format("delta").load(str(chain.lakehouse / "silver" / "orders"))
    rows = {r["order_id"]: (r["amount"], r["currency"], r["status"], r["product_id"])
            for r in silver.collect()}
    assert rows == {k: (e["amount"], e["currency"], e["status"], e["product_id"])
                    for k, e in expected.items()}
    operations = {r["operation"] for r in spark_session.sql(
        f"DESCRIBE HISTORY delta.`{chain.lakehouse / 'silver' / 'orders'}`").collect()}
    assert "MERGE" in operations  # the second day was merged into the first
