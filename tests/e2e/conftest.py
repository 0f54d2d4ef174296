"""The built wheel, and a fresh venv standing in for a Databricks cluster with it installed: made
once per test run and shared by the tests that need an installed prodi (the Databricks wheel
tasks, `prodi init`'s project, a Python without Spark), on one worker or several."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import venv
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from scripts.chaos_processes import SHORT_LIVED_JVM

REPO = Path(__file__).resolve().parents[2]
# The cluster's own Spark, installed before the wheel: a pyspark other than the one `prodi[spark]`
# resolves to (pyspark's newest 3.5), with a delta-spark that runs on it. Installing the wheel
# must leave it as it is, as it must a Databricks runtime's.
RUNTIME_SPARK = ("pyspark==3.5.6", "delta-spark==3.3.2")
# The other Spark line: Databricks 17.3 LTS and serverless run Spark 4.0, with Delta 4.0 (its jars
# for Scala 2.13). `connect`: the Spark Connect client, for the tests that run prodi through it.
SPARK4 = ("pyspark[connect]==4.0.1", "delta-spark==4.0.1")
# Which pyspark a venv imports: its version and the file, to tell a reinstall from the original.
SPARK_PROBE = """\
import json, os
from importlib.metadata import version
import pyspark
stat = os.stat(pyspark.__file__)
print(json.dumps({"version": version("pyspark"), "file": pyspark.__file__,
                  "inode": stat.st_ino, "mtime_ns": stat.st_mtime_ns}))
"""


@dataclass(frozen=True)
class WheelVenv:
    """A venv with a Spark of its own, then the built prodi wheel (and its dependencies) and the
    test kit installed. `runtime_spark`: SPARK_PROBE's answer before the wheel was installed."""

    wheel: Path
    venv: Path
    runtime_spark: dict

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    @property
    def python(self) -> Path:
        return self.bin / "python"

    def environ(self, **extra: str) -> dict[str, str]:
        """A clean environment of the venv: no repo on sys.path, nothing of this test run's pytest
        or prodi settings, the venv first on PATH."""
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONPATH", "PRODI_FORCE_DRY_RUN", "PRODI_LAKEHOUSE",
                            "PRODI_LOG_FORMAT", "PRODI_HYDRA_DIR")
               and not k.startswith("PYTEST_")}
        env["VIRTUAL_ENV"] = str(self.venv)
        env["PATH"] = f"{self.bin}{os.pathsep}{env.get('PATH', '')}"
        env["JAVA_TOOL_OPTIONS"] = SHORT_LIVED_JVM  # its JVMs live for one command each
        env.update(extra)
        return env


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's temp folder all workers see."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def built_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """prodi's wheel, built by the first worker that asks (a lock in the run's shared temp
    folder), reused by every other."""
    shared = _shared(tmp_path_factory)
    dist = shared / "prodi_wheel"
    with _locked(shared / "prodi_wheel.lock"):
        if not (dist / "ready").exists():
            _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist),
                  str(REPO)], shared)
            (dist / "ready").touch()
    (wheel,) = dist.glob("*.whl")
    return wheel


@pytest.fixture(scope="session")
def wheel_venv(built_wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> WheelVenv:
    """Installed by the first worker that asks, reused by every other."""
    shared = _shared(tmp_path_factory)
    root = shared / "prodi_wheel_venv"
    with _locked(shared / "prodi_wheel_venv.lock"):
        if not (root / "ready").exists():
            _install(root, built_wheel)
            (root / "ready").touch()
    runtime_spark = json.loads((root / "runtime_spark.json").read_text(encoding="utf-8"))
    return WheelVenv(built_wheel, root / "venv", runtime_spark)


@pytest.fixture(scope="session")
def spark4_venv(built_wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> WheelVenv:
    """A venv on the Spark 4 line (SPARK4), then the wheel with its test kit: installed by the
    first worker that asks, reused by every other."""
    shared = _shared(tmp_path_factory)
    root = shared / "prodi_spark4_venv"
    with _locked(shared / "prodi_spark4_venv.lock"):
        if not (root / "ready").exists():
            _install(root, built_wheel, SPARK4)
            (root / "ready").touch()
    runtime_spark = json.loads((root / "runtime_spark.json").read_text(encoding="utf-8"))
    return WheelVenv(built_wheel, root / "venv", runtime_spark)


def _install(root: Path, wheel: Path, spark: tuple[str, ...] = RUNTIME_SPARK) -> None:
    root.mkdir(parents=True, exist_ok=True)
    venv.EnvBuilder(with_pip=True).create(root / "venv")
    python = str(root / "venv" / "bin" / "python")
    _run([python, "-m", "pip", "install", "-q", *spark], root)
    (root / "runtime_spark.json").write_text(spark_in(Path(python)), encoding="utf-8")
    # Then the wheel with its test kit extra, as a user on Databricks installs it (no `spark`
    # extra: the runtime has Spark); pip takes what its cache holds.
    _run([python, "-m", "pip", "install", "-q", f"{wheel}[testing]"], root)


def spark_in(python: Path) -> str:
    """SPARK_PROBE's answer (JSON) in the venv of `python`."""
    proc = subprocess.run([str(python), "-c", SPARK_PROBE], capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def _run(args: list[str], cwd: Path) -> None:
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    assert proc.returncode == 0, f"{' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-3000:]}"
