"""The Databricks wheel tasks, emulated: build the wheel, install it in a fresh venv, and call the
`run-layer` entry point the way a `python_wheel_task` does, with each task's parameters.

Databricks resolves `entry_point` among the installed distribution's entry points, sets
`sys.argv` to the task parameters and calls it; the task fails if it raises (even SystemExit(0)).
The venv has a Spark of its own before the wheel, as a cluster's runtime does (see conftest).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from prodi.cli.databricks import databricks_main
from tests.conftest import generate_demo_data
from tests.e2e.conftest import RUNTIME_SPARK, WheelVenv, spark_in

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "docs" / "run" / "jobs" / "databricks_v020.json"
LAYERS = ("raw", "bronze", "silver", "gold")

# Run inside the fresh venv: resolve and call the entry point as Databricks does.
TASK_RUNNER = '''\
import json, sys
from importlib.metadata import distribution

import prodi

package, entry_point, parameters = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
print(f"prodi imported from {prodi.__file__}", file=sys.stderr)
(ep,) = [e for e in distribution(package).entry_points
         if e.group == "console_scripts" and e.name == entry_point]
function = ep.load()
sys.argv = [package, *parameters]
try:
    function()
except SystemExit as exc:
    print(f"entry point raised SystemExit({exc.code!r}); a wheel task must return", file=sys.stderr)
    sys.exit(3)
if "pyspark" in sys.modules:
    pyspark = sys.modules["pyspark"]
    print(f"ran on pyspark {pyspark.__version__} from {pyspark.__file__}", file=sys.stderr)
'''


class WheelEnv:
    """A cluster's view of the built wheel: its venv (shared, see conftest), a folder of this
    module's own for a fake /dbfs, Hydra's output and the lakehouse."""

    def __init__(self, root: Path, installed: WheelVenv) -> None:
        self.root = root
        self.installed = installed
        self.wheel = installed.wheel
        self.python = installed.python
        self.runner = root / "run_task.py"
        self.runner.write_text(TASK_RUNNER, encoding="utf-8")

    def environ(self, **extra: str) -> dict[str, str]:
        """The cluster's environment: no repo on sys.path, a fake /dbfs, the job's env vars."""
        env = self.installed.environ(PRODI_DBFS_ROOT=str(self.root / "dbfs"),
                                     PRODI_HYDRA_DIR=str(self.root / "hydra"))
        env.update(extra)
        return env

    def run_task(self, task: dict[str, Any], env: dict[str, str]) -> subprocess.CompletedProcess:
        """Run one job task's python_wheel_task; fail the test with its output if it fails."""
        spec = task["python_wheel_task"]
        proc = subprocess.run(
            [str(self.python), str(self.runner), spec["package_name"], spec["entry_point"],
             json.dumps(spec["parameters"])],
            cwd=self.root, env=env, capture_output=True, text=True, timeout=900)
        assert proc.returncode == 0, (
            f"task {task['task_key']} {spec['parameters']} exited {proc.returncode}\n"
            f"stdout:\n{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-3000:]}")
        assert f"prodi imported from {self.installed.venv}" in proc.stderr, proc.stderr[:500]
        return proc


@pytest.fixture(scope="module")
def wheel_env(wheel_venv: WheelVenv, tmp_path_factory: pytest.TempPathFactory) -> WheelEnv:
    root = tmp_path_factory.mktemp("wheel_task")
    shutil.copytree(REPO / "cfg", root / "dbfs" / "cfg")
    return WheelEnv(root, wheel_venv)


def job_of(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    databricks_main(["job", "--cloud", "aws", "--env", "prod", *args])
    return json.loads(capsys.readouterr().out)


def test_committed_job_installs_the_wheel_we_build(wheel_env: WheelEnv) -> None:
    job = json.loads(COMMITTED.read_text(encoding="utf-8"))
    names = {lib["whl"].rsplit("/", 1)[-1] for t in job["tasks"] for lib in t["libraries"]}
    assert names == {wheel_env.wheel.name}


@pytest.mark.parametrize("dialect", ["legacy", "named", "hydra"])
def test_every_task_dry_runs_from_the_wheel(wheel_env: WheelEnv, dialect: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    if dialect == "legacy":
        job = json.loads(COMMITTED.read_text(encoding="utf-8"))
    else:
        job = job_of(capsys, "--dialect", dialect)
    smoke = job_of(capsys, "--dialect", dialect, "--smoke")
    assert smoke["tasks"] == job["tasks"]
    cluster_env = smoke["job_clusters"][0]["new_cluster"]["spark_env_vars"]
    assert cluster_env["PRODI_FORCE_DRY_RUN"] == "1"
    env = wheel_env.environ(**cluster_env)
    for task in job["tasks"]:
        proc = wheel_env.run_task(task, env)
        assert f"DRY-RUN plan: layer={task['task_key']} cloud=aws env=prod" in proc.stdout
        assert "s3a://prodi-lakehouse-prod/" in proc.stdout


def test_installing_the_wheel_left_the_clusters_spark_alone(wheel_env: WheelEnv) -> None:
    before = wheel_env.installed.runtime_spark
    assert f"pyspark=={before['version']}" in RUNTIME_SPARK  # what the venv had first, really
    assert json.loads(spark_in(wheel_env.python)) == before  # same version, same files


def test_real_local_chain_from_the_wheel(wheel_env: WheelEnv) -> None:
    lakehouse = wheel_env.root / "lakehouse"
    generate_demo_data(lakehouse / "landing", "--days", "2")  # the tasks, not the data, matter
    env = wheel_env.environ(PRODI_LAKEHOUSE=str(lakehouse))
    runtime = wheel_env.installed.runtime_spark
    for layer in LAYERS:
        task = {"task_key": layer, "python_wheel_task": {
            "package_name": "prodi", "entry_point": "run-layer",
            "parameters": ["--layer", layer, "--config", f"dbfs:/cfg/{layer}/example.yml",
                           "dry_run=false"]}}
        proc = wheel_env.run_task(task, env)
        # On the cluster's Spark, installed before the wheel: not one pip brought with it.
        assert f"ran on pyspark {runtime['version']} from {runtime['file']}" in proc.stderr
    for mart in ("daily_revenue", "revenue_by_country"):
        assert (lakehouse / "gold" / mart / "_delta_log").is_dir()
