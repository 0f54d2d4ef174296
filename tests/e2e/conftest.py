"""The built wheel in a fresh venv, made once per test run and shared by the tests that need an
installed prodi (the Databricks wheel tasks, `prodi init`'s project), on one worker or several."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import venv
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# What a user project's `make test` needs beside prodi: its test kit's companions.


@dataclass(frozen=True)
class WheelVenv:
    """A venv with the built prodi wheel (and its dependencies) and the test kit installed."""

    wheel: Path
    venv: Path

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


@pytest.fixture(scope="session")
def wheel_venv(tmp_path_factory: pytest.TempPathFactory) -> WheelVenv:
    """Built and installed by the first worker that asks (a lock in the run's shared temp
    folder), reused by every other."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    root = shared / "prodi_wheel_venv"
    with _locked(shared / "prodi_wheel_venv.lock"):
        if not (root / "ready").exists():
            _build(root)
            (root / "ready").touch()
    (wheel,) = (root / "dist").glob("*.whl")
    return WheelVenv(wheel, root / "venv")


def _build(root: Path) -> None:
    root.mkdir(parents=True, exist_ok=True)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(root / "dist"),
          str(REPO)], root)
    (wheel,) = (root / "dist").glob("*.whl")
    venv.EnvBuilder(with_pip=True).create(root / "venv")
    # The wheel with its test kit extra, as a user installs it; pip takes what its cache holds.
    _run([str(root / "venv" / "bin" / "python"), "-m", "pip", "install", "-q",
          f"{wheel}[testing]"], root)


def _run(args: list[str], cwd: Path) -> None:
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    assert proc.returncode == 0, f"{' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-3000:]}"
