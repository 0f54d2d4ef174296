"""Shared fixtures. Spark tests use pytest-spark's one `spark_session` per test run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def isolated_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory and lakehouse of the test's own; Hydra output kept there too."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PRODI_LAKEHOUSE", str(tmp_path / "lakehouse"))
    monkeypatch.setenv("PRODI_HYDRA_DIR", str(tmp_path / "hydra"))
    monkeypatch.delenv("PRODI_FORCE_DRY_RUN", raising=False)
    return tmp_path


def generate_demo_data(landing: Path, *extra: str) -> None:
    subprocess.run([sys.executable, str(REPO / "scripts" / "generate_demo_data.py"), str(landing),
                    *extra], check=True, capture_output=True)
