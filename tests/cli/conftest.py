"""A user's first shell, for the CLI tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def first_shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cwd (`tmp_path/work`), a lakehouse elsewhere (`tmp_path/lh`), a cache of the
    test's own and no PRODI_HYDRA_DIR or PRODI_FORCE_DRY_RUN: a user's first shell."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("PRODI_LAKEHOUSE", str(tmp_path / "lh"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("PRODI_HYDRA_DIR", raising=False)
    monkeypatch.delenv("PRODI_FORCE_DRY_RUN", raising=False)
    return tmp_path
