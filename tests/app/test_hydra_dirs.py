"""Where Hydra's record of a run goes, without composing: a folder Hydra can write locally."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodi.app.hydra_dirs import on_local_disk, writable

ENV = {"XDG_CACHE_HOME": "/home/u/.cache"}


@pytest.mark.parametrize(("path", "root", "dry_run", "expected"), [
    # the default under a local lakehouse stays there, for a real run
    ("/lh/_prodi/hydra/2026-01-02/10-00-00", "/lh", False, "/lh/_prodi/hydra/2026-01-02/10-00-00"),
    ("lakehouse/_prodi/hydra/d/t", "lakehouse", False, "lakehouse/_prodi/hydra/d/t"),
    # a dry-run writes nothing to the lakehouse: the user's cache
    ("/lh/_prodi/hydra/d/t", "/lh", True, "/home/u/.cache/prodi/hydra/d/t"),
    # a lakehouse on remote storage: the user's cache, for real runs too
    ("abfss://lake@acct.dfs.core.windows.net/_prodi/hydra/d/t",
     "abfss://lake@acct.dfs.core.windows.net", False, "/home/u/.cache/prodi/hydra/d/t"),
    ("file:/lh/_prodi/hydra/d/t", "file:/lh", False, "/lh/_prodi/hydra/d/t"),  # a local URI
    # PRODI_HYDRA_DIR or an explicit hydra.run.dir decides, dry-run or not
    ("/mine/d/t", "/lh", True, "/mine/d/t"),
    ("file:///mine/d/t", "/lh", False, "/mine/d/t"),
    ("s3a://bucket/runs/d/t", "/lh", False, "/home/u/.cache/prodi/hydra/bucket/runs/d/t"),
])
def test_output_dirs_land_on_local_disk(path: str, root: str, dry_run: bool, expected: str) -> None:
    assert on_local_disk(path, root, dry_run, ENV) == expected


def test_without_xdg_cache_home_the_cache_is_in_home(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/home/v")
    assert on_local_disk("/lh/_prodi/hydra/d/t", "/lh", True, {}) == "/home/v/.cache/prodi/hydra/d/t"


def test_a_record_that_cannot_be_created_in_the_lakehouse_goes_to_the_cache(tmp_path) -> None:
    blocked = tmp_path / "lh"
    blocked.write_text("a file where the lakehouse folder should be")
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    path = writable(str(blocked / "_prodi" / "hydra" / "2026-01-02" / "10-00-00"), env)
    assert path == str(tmp_path / "cache" / "prodi" / "hydra" / "2026-01-02" / "10-00-00")
    assert Path(path).is_dir()
    fine = tmp_path / "ok" / "d" / "t"
    assert writable(str(fine), env) == str(fine) and fine.is_dir()
