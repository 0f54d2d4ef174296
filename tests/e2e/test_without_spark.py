"""prodi without its `spark` extra: the built wheel installed as plain `prodi` brings no pyspark or
delta-spark (a Databricks runtime has its own). Planning, validating and generating jobs work
without them; a real run says in one paragraph which extra to install, and exits 2."""

from __future__ import annotations

import json
import subprocess
import venv
import zipfile
from importlib.metadata import requires
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from prodi.app.failure import CONFIG_EXIT, describe_failure
from prodi.runtime import jars, spark_available
from prodi.runtime.spark_available import SparkUnavailableError, require_spark
from tests.e2e.conftest import WheelVenv

HINT = 'pip install "prodi[spark]"'


@pytest.fixture(scope="module")
def bare(built_wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> WheelVenv:
    """A fresh venv with the wheel and its required dependencies only (pip's cache has them)."""
    root = tmp_path_factory.mktemp("without_spark")
    venv.EnvBuilder(with_pip=True).create(root / "venv")
    proc = subprocess.run([str(root / "venv" / "bin" / "python"), "-m", "pip", "install", "-q",
                           str(built_wheel)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return WheelVenv(built_wheel, root / "venv", {})


def _prodi(bare: WheelVenv, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = bare.environ(PRODI_LAKEHOUSE=str(cwd / "lakehouse"), PRODI_HYDRA_DIR=str(cwd / "hydra"))
    return subprocess.run([str(bare.bin / "prodi"), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def wheel_requires(built_wheel: Path) -> list[Requirement]:
    """The built wheel's Requires-Dist."""
    with zipfile.ZipFile(built_wheel) as wheel:
        (metadata,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
        lines = wheel.read(metadata).decode().splitlines()
    return [Requirement(line.split(":", 1)[1]) for line in lines if line.startswith("Requires-Dist:")]


def test_the_wheel_brings_no_spark_unless_asked(bare: WheelVenv,
                                                 wheel_requires: list[Requirement]) -> None:
    spark = [r for r in wheel_requires if r.name in ("pyspark", "delta-spark")]
    for extra in ("spark", "spark4"):  # each Spark line's pair comes with its extra
        assert {r.name for r in spark if r.marker is not None
                and r.marker.evaluate({"extra": extra})} == {"pyspark", "delta-spark"}
    assert not [r for r in spark if r.marker is None or r.marker.evaluate({"extra": ""})]
    probe = ("import importlib.util as u, json; "
             "print(json.dumps([m for m in ('pyspark', 'delta', 'py4j') if u.find_spec(m)]))")
    proc = subprocess.run([str(bare.python), "-c", probe], env=bare.environ(), capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == []  # installed with its dependencies: none of Spark's


def test_plans_validation_and_jobs_need_no_spark(bare: WheelVenv, tmp_path: Path) -> None:
    plan = _prodi(bare, tmp_path, "run-layer", "layer=silver", "cloud=azure", "dry_run=true")
    assert plan.returncode == 0, plan.stderr[-3000:]
    assert "DRY-RUN plan: layer=silver cloud=azure" in plan.stdout
    validate = _prodi(bare, tmp_path, "validate", "--envs", "dev")
    assert validate.returncode == 0, validate.stderr[-3000:]
    job = _prodi(bare, tmp_path, "databricks", "job", "--cloud", "aws", "--env", "prod")
    assert job.returncode == 0, job.stderr[-3000:]
    assert '"python_wheel_task"' in job.stdout


@pytest.mark.parametrize("command", [["run-layer", "layer=silver"], ["maintain", "layer=silver"],
                                     ["run-layer", "layer=raw,bronze"], ["show", "layer=silver"]],
                         ids=["run", "maintain", "chain", "show"])
def test_a_real_run_names_the_extra_to_install(bare: WheelVenv, tmp_path: Path,
                                               command: list[str]) -> None:
    proc = _prodi(bare, tmp_path, *command, "dry_run=false")
    assert proc.returncode == CONFIG_EXIT, proc.stderr[-3000:]
    assert HINT in proc.stderr and "pyspark and delta-spark" in proc.stderr, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr and "ModuleNotFoundError" not in proc.stderr
    assert proc.stderr.count(HINT) == 1  # once for the command, not once per job of a chain
    assert not (tmp_path / "lakehouse").exists()  # nothing attempted: no ledger, no table


def test_missing_spark_is_one_paragraph_and_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spark_available, "find_spec",
                        lambda name: None if name == "delta" else object())
    with pytest.raises(SparkUnavailableError) as raised:
        require_spark({})
    assert raised.value.missing == ("delta-spark",)
    failure = describe_failure(raised.value)
    assert failure.exit_code == CONFIG_EXIT and "\n" not in failure.message
    assert failure.message.startswith("Spark unavailable: a run needs delta-spark") and \
        HINT in failure.message
    with pytest.raises(SparkUnavailableError) as on_cluster:
        require_spark({"DATABRICKS_RUNTIME_VERSION": "15.4"})
    assert "Databricks Runtime" in str(on_cluster.value) and HINT not in str(on_cluster.value)


def test_spark_present_passes() -> None:
    require_spark({})  # the dev venv has the extra


def test_the_spark_extra_matches_the_delta_jars_a_local_session_loads(
        wheel_requires: list[Requirement]) -> None:
    """A local session loads Delta DELTA_VERSION's jars into the installed pyspark: the extra must
    pin delta-spark to that version, and allow no pyspark that delta-spark doesn't run on."""
    spark = {r.name: r for r in wheel_requires if r.name in ("pyspark", "delta-spark")
             and r.marker is not None and r.marker.evaluate({"extra": "spark"})}
    assert str(spark["delta-spark"].specifier) == f"=={jars.DELTA_VERSION}"
    (delta_pyspark,) = [Requirement(r) for r in requires("delta-spark") or ()
                        if Requirement(r).name == "pyspark"]
    assert spark["pyspark"].specifier == delta_pyspark.specifier
