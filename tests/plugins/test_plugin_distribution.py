"""A plug-in distribution adds a source, a step and a sink that YAML uses by name.

It is pip-installed into the test venv, and the real CLI runs raw -> bronze -> silver on it in a
fresh process (entry points are read there), so nothing in prodi knows the plug-in's classes.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Iterator
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path

import pytest

from tests.plugins.plugin_package import PYPROJECT, SOURCE

PIPELINE = """
name: plug
datasets:
  things:
    raw:
      source:
        type: inline_rows
        landed_date: "2026-01-01"
        rows: [{id: " a ", n: "1"}, {id: "b", n: "2"}, {id: "b", n: "x"}]
    bronze:
      columns: [{name: id, type: string}, {name: n, type: int}]
    silver:
      keys: [id]
      dedupe: last_arrived
      steps:
        - {type: trim, columns: [id]}
        - {type: add_constant, column: tag, value: plugged}
      sink: {type: csv_export, path: "%(out)s"}
"""


def _pip(*args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


def _builds_without_isolation() -> bool:
    """setuptools before 70.1 needs the `wheel` package to build a wheel by itself."""
    try:
        major, minor = (int(p) for p in metadata.version("setuptools").split(".")[:2])
    except metadata.PackageNotFoundError:
        return False
    return (major, minor) >= (70, 1) or find_spec("wheel") is not None


@pytest.fixture(scope="module")
def plugin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    folder = tmp_path_factory.mktemp("plugin")
    (folder / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (folder / "prodi_test_plugin.py").write_text(SOURCE, encoding="utf-8")
    isolation = ["--no-build-isolation"] if _builds_without_isolation() else []
    _pip("install", "--quiet", "--no-deps", *isolation, str(folder))
    try:
        yield
    finally:
        _pip("uninstall", "--quiet", "-y", "prodi-test-plugin")


def prodi(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env_dir = Path(sys.executable).parent
    return subprocess.run([str(env_dir / "prodi"), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=900, env={"PATH": f"{env_dir}:/usr/bin:/bin",
                                            "PRODI_LAKEHOUSE": str(cwd / "lh"),
                                            "PRODI_HYDRA_DIR": str(cwd / "hydra"),
                                            "HOME": str(Path.home())})


def user_config(tmp_path: Path, out: Path, pipeline: str = PIPELINE) -> Path:
    conf = tmp_path / "my_conf"
    (conf / "pipeline").mkdir(parents=True)
    (conf / "pipeline" / "plug.yaml").write_text(pipeline % {"out": out}, encoding="utf-8")
    return conf


@pytest.mark.slow
def test_plugin_source_step_and_sink_run_from_config(plugin: None, tmp_path: Path) -> None:
    out = tmp_path / "export"
    conf = user_config(tmp_path, out)
    plan = prodi("run-layer", "layer=raw", "--config-dir", str(conf), "pipeline=plug",
                 "dry_run=true", cwd=tmp_path)
    assert plan.returncode == 0, plan.stderr
    assert "reads: 3 inline row(s)" in plan.stdout

    done = prodi("backfill", "--layers", "raw,bronze,silver", "--dates", "2026-01-01",
                 "--config-dir", str(conf), "pipeline=plug", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    rows = []
    for part in sorted(out.glob("part-*.csv")):
        with part.open(encoding="utf-8") as f:
            rows += list(csv.DictReader(f))
    # " a " trimmed by a built-in step; "x" is no int, so bronze drops that row and b keeps n=2;
    # the plug-in step added `tag`; the plug-in sink wrote only the visible columns.
    assert sorted((r["id"], r["n"], r["tag"]) for r in rows) == [("a", "1", "plugged"),
                                                                  ("b", "2", "plugged")]
    assert set(rows[0]) == {"id", "n", "tag"}


@pytest.mark.slow
def test_unknown_names_list_the_plugins_among_the_known_ones(plugin: None, tmp_path: Path) -> None:
    conf = user_config(tmp_path, tmp_path / "x", PIPELINE.replace("add_constant", "add_constnt"))
    done = prodi("run-layer", "layer=silver", "--config-dir", str(conf), "pipeline=plug",
                 "dry_run=true", cwd=tmp_path)
    assert done.returncode == 2
    assert "pipeline.datasets.things.silver.steps[1].type: expected a step type (" in done.stderr
    assert "add_constant" in done.stderr and "'add_constnt'" in done.stderr
