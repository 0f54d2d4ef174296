"""A real Spark standalone cluster on this machine: one master and one worker started from the
pip pyspark's own `spark-class`, listening on 127.0.0.1 only, stopped with their process groups
whatever happens."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from scripts.chaos_processes import SHORT_LIVED_JVM

HOST = "127.0.0.1"
MASTER = "org.apache.spark.deploy.master.Master"
WORKER = "org.apache.spark.deploy.worker.Worker"


class ClusterError(RuntimeError):
    """The cluster did not come up; the message carries its daemons' logs."""


@dataclass(frozen=True)
class Cluster:
    """A running master with one registered worker."""

    url: str  # spark://127.0.0.1:<port>
    master_ui: str  # http://127.0.0.1:<port>, whose /json/ describes the cluster
    work_dir: Path  # the worker's: an app-* folder per application it ran executors for
    logs: Path
    process_groups: list[int]  # the daemons', their executors' among them

    def state(self) -> dict:
        """The master's JSON view: workers, active and completed applications."""
        with urllib.request.urlopen(f"{self.master_ui}/json/", timeout=10) as response:
            return json.load(response)

    def completed_apps(self, within_s: float = 120.0) -> list[dict]:
        """The finished applications, once none is active any more (the master hears of a
        driver's end shortly after it exits)."""
        deadline = time.monotonic() + within_s
        state = self.state()
        while state["activeapps"] and time.monotonic() < deadline:
            time.sleep(0.5)
            state = self.state()
        assert not state["activeapps"], f"applications still active: {state['activeapps']}"
        return state["completedapps"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def daemon_environ(python: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment the daemons, and the executors they start, run with: loopback only, the
    venv's Python for PySpark workers, no Spark settings inherited from the calling shell."""
    env = {k: v for k, v in (os.environ if base is None else base).items()
           if not k.startswith(("SPARK_", "PYSPARK_"))}
    env.update(SPARK_LOCAL_IP=HOST, SPARK_LOCAL_HOSTNAME=HOST, PYSPARK_PYTHON=str(python),
               SPARK_DAEMON_MEMORY="256m",  # the master's and worker's own heap (default 1g)
               JAVA_TOOL_OPTIONS=SHORT_LIVED_JVM)  # a few minutes of a small chain: C1 costs less CPU
    return env


@contextmanager
def standalone_cluster(spark_home: Path, python: Path, root: Path, cores: int = 1,
                       memory: str = "1g", ready_within_s: float = 300.0) -> Iterator[Cluster]:
    """Start a master and one worker under `root` (logs, the worker's work dir), yield once the
    worker is registered and alive, then stop both (their whole process groups), also when
    starting or the caller fails."""
    logs, work_dir = root / "logs", root / "work"
    logs.mkdir(parents=True, exist_ok=True)
    work_dir.mkdir(parents=True, exist_ok=True)
    env = daemon_environ(python)
    port, master_ui_port, worker_ui_port = free_port(), free_port(), free_port()
    url, master_ui = f"spark://{HOST}:{port}", f"http://{HOST}:{master_ui_port}"
    cluster = Cluster(url, master_ui, work_dir, logs, [])
    spark_class = str(spark_home / "bin" / "spark-class")
    with ExitStack() as stack:
        master = stack.enter_context(_daemon(
            [spark_class, MASTER, "--host", HOST, "--port", str(port),
             "--webui-port", str(master_ui_port)], env, logs / "master.log", cluster.process_groups))
        _wait_for(lambda: _reachable(cluster), master, cluster, ready_within_s,
                  "the master's web UI to answer")
        worker = stack.enter_context(_daemon(
            [spark_class, WORKER, url, "--host", HOST, "--webui-port", str(worker_ui_port),
             "--cores", str(cores), "--memory", memory, "--work-dir", str(work_dir)],
            env, logs / "worker.log", cluster.process_groups))
        _wait_for(lambda: _alive_workers(cluster) == 1, worker, cluster, ready_within_s,
                  "the worker to register with the master")
        yield cluster


@contextmanager
def _daemon(args: list[str], env: Mapping[str, str], log: Path, groups: list[int]
            ) -> Iterator[subprocess.Popen]:
    """One JVM daemon in a process group of its own (spark-class execs java in it), killed with
    its group on exit; the exit waits until it is gone."""
    with log.open("wb") as out:
        proc = subprocess.Popen(args, env=dict(env), stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    groups.append(proc.pid)
    try:
        yield proc
    finally:
        stop_group(proc)


def stop_group(proc: subprocess.Popen, grace_s: float = 20.0) -> None:
    """SIGTERM the process group `proc` leads (a worker's executors too), SIGKILL what is left
    after `grace_s`, and reap `proc`; returns once the group is gone or SIGKILL's grace passed."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + grace_s
        while time.monotonic() < deadline:
            proc.poll()  # reap the leader: a zombie still counts as the group's
            if not group_alive(proc.pid):
                return
            time.sleep(0.2)
    proc.poll()


def group_alive(pgid: int) -> bool:
    """Whether any process of group `pgid` is still running."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _reachable(cluster: Cluster) -> bool:
    try:
        cluster.state()
    except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
        return False
    return True


def _alive_workers(cluster: Cluster) -> int:
    try:
        return sum(1 for w in cluster.state().get("workers", []) if w.get("state") == "ALIVE")
    except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
        return 0


def _wait_for(ready, proc: subprocess.Popen, cluster: Cluster, within_s: float, what: str
              ) -> None:
    """Poll `ready` until it holds; fail with the daemons' logs if `proc` exits or `within_s`
    passes first (a bound against hanging, not a timing assertion)."""
    deadline = time.monotonic() + within_s
    while not ready():
        if proc.poll() is not None:
            raise ClusterError(f"{proc.args[1]} exited {proc.returncode} waiting for {what}\n"
                               f"{daemon_logs(cluster)}")
        if time.monotonic() > deadline:
            raise ClusterError(f"no sign of {what} after {within_s:.0f}s\n{daemon_logs(cluster)}")
        time.sleep(0.5)


def daemon_logs(cluster: Cluster, tail: int = 3000) -> str:
    """The end of each daemon's log, for a failure message."""
    return "\n".join(f"--- {log.name}:\n{log.read_text(errors='replace')[-tail:]}"
                     for log in sorted(cluster.logs.glob("*.log")))
