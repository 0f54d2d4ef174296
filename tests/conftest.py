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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files with slow scenarios first, then the other Spark files, then the rest, each file's
    tests in their own order: `make test`'s workers take a file at a time, so the long ones
    start early and the short ones fill in at the end instead of one worker finishing alone."""
    weight: dict[str, tuple[bool, bool]] = {}
    for item in items:
        own = (item.get_closest_marker("slow") is None, item.get_closest_marker("spark") is None)
        weight[item.nodeid.split("::")[0]] = min(weight.get(item.nodeid.split("::")[0], own), own)
    items.sort(key=lambda item: weight[item.nodeid.split("::")[0]])
