"""A first run on a machine whose Ivy cache is empty: the real CLI fetches the Delta jars and the
SQLite driver from Maven Central, says so in one line, and prints no Ivy report and no JVM
start-up noise; a package Ivy can't find fails the run with Ivy's report in the error."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import generate_demo_data

pytestmark = [pytest.mark.spark, pytest.mark.slow]

PRODI = str(Path(sys.executable).parent / "prodi")
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \| (\w+) +\| [\w.]+ \| (.*)$")
NOISE = ("ivy", ":: ", "artifacts copied", "downloading", "found io.delta", "log4j", "WARN ",
         "NativeCodeLoader", "Setting default log level", "setLogLevel", "SLF4J")


@pytest.fixture(scope="module")
def jar_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Empty at the module's first run; the failing run after it finds Delta there."""
    return tmp_path_factory.mktemp("jarcache")


def _prodi(root: Path, jar_cache: Path, *conf: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PRODI_JARS_DIR", "PRODI_LOG_FORMAT", "PYSPARK_SUBMIT_ARGS")}
    env.update(PRODI_LAKEHOUSE=str(root / "lakehouse"), PRODI_HYDRA_DIR=str(root / "hydra"))
    spark_conf = ",".join((f"spark.jars.ivy:{jar_cache}", *conf))
    return subprocess.run([PRODI, "run-layer", "layer=raw", "datasets=[products]",
                           f"++spark.conf={{{spark_conf}}}"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=900)


def _messages(stderr: str) -> list[tuple[str, str]]:
    return [m.groups() for m in map(LOG_LINE.match, stderr.splitlines()) if m]


def test_a_first_run_says_it_fetches_in_one_line_and_prints_no_report(tmp_path: Path,
                                                                     jar_cache: Path) -> None:
    generate_demo_data(tmp_path / "lakehouse" / "landing")
    done = _prodi(tmp_path, jar_cache)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout == ""
    for noise in NOISE:
        assert noise.lower() not in done.stderr.lower(), done.stderr
    said = [text for level, text in _messages(done.stderr) if level == "INFO"]
    fetching = "fetching io.delta:delta-spark_2.12:3.3.2 and 1 more from Maven Central (first run only)"
    assert [t for t in said if t.startswith("fetch")] == [fetching]
    progress = [t for t in said if t.endswith("…")]
    assert progress == ["starting Spark (local[*])…", "raw/products: read…", "raw/products: write…"]
    assert said.index(fetching) < said.index(progress[0])  # fetched before the JVM starts
    assert (jar_cache / "jars" / "io.delta_delta-spark_2.12-3.3.2.jar").is_file()
    assert (jar_cache / "jars" / "org.xerial_sqlite-jdbc-3.54.1.0.jar").is_file()


def test_a_package_ivy_cannot_find_fails_the_run_with_ivys_report(tmp_path: Path,
                                                                 jar_cache: Path) -> None:
    done = _prodi(tmp_path, jar_cache, 'spark.jars.packages:"org.example.bogus:no-such-lib:0.0.1"')
    assert done.returncode == 1 and done.stdout == ""
    error = done.stderr[done.stderr.index("Jars unavailable: "):]
    assert error.startswith("Jars unavailable: could not fetch ")
    assert "org.example.bogus:no-such-lib:0.0.1 from Maven Central (Ivy cache " in error
    assert ":: resolving dependencies ::" in error  # Ivy's report, in the error
    assert "unresolved dependency: org.example.bogus#no-such-lib;0.0.1: not found" in error
    assert "starting Spark" not in done.stderr
