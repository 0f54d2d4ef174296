"""Fixtures for the config tests: every CLI call runs in a sandbox and restores the log sinks."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from loguru import logger

REPO = Path(__file__).resolve().parents[2]
# Environment variables that change how a config composes or whether a run is a dry-run.
PRODI_ENV = ("PRODI_FORCE_DRY_RUN", "PRODI_LOG_FORMAT", "PRODI_DBFS_ROOT", "PRODI_JARS_DIR",
             "DATABRICKS_RUNTIME_VERSION")


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A cwd, lakehouse and Hydra output dir of the test's own, no inherited PRODI_* settings.

    prodi's logging replaces loguru's sinks with ones bound to the (captured) stderr of the
    test; they are reset afterwards so later tests don't write into a closed capture.
    """
    for name in PRODI_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PRODI_LAKEHOUSE", str(tmp_path / "lh"))
    monkeypatch.setenv("PRODI_HYDRA_DIR", str(tmp_path / "hydra"))
    yield tmp_path
    logger.remove()
    logger.add(lambda message: sys.stderr.write(message), level="INFO")
