"""Done-when of `prodi init`: the built wheel, installed in a fresh venv, scaffolds a project
whose own `make demo` and `make test` pass there, and gold holds what the sample gives by hand."""

from __future__ import annotations

import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from tests.e2e.conftest import WheelVenv

pytestmark = [pytest.mark.spark, pytest.mark.slow]

# The sample, by hand (data/landing/sales): S001 north 10.50, S003 north 5.25; S002 south 20.00
# corrected the next day to 22.00 (newer updated_at wins); S004 south 7.75; S005 north -3.00
# breaks amount_not_negative and is quarantined.
GOLD = [("north", 2, Decimal("15.75")), ("south", 2, Decimal("29.75"))]


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=1500)
    assert proc.returncode == 0, (f"{' '.join(args)} exited {proc.returncode}\n"
                                  f"stdout:\n{proc.stdout[-4000:]}\nstderr:\n{proc.stderr[-4000:]}")
    return proc


def test_a_new_project_runs_its_demo_and_its_tests_from_the_installed_wheel(
        wheel_venv: WheelVenv, tmp_path: Path, spark_session):
    project = tmp_path / "shop"
    env = wheel_venv.environ()
    init = _run([str(wheel_venv.bin / "prodi"), "init", str(project)], tmp_path, env)
    assert "make demo" in init.stdout and "tests/test_layers.py" in init.stdout

    demo = _run(["make", "demo"], project, env)
    assert "|north|2    |15.75  |" in demo.stdout and "|south|2    |29.75  |" in demo.stdout
    assert "site-packages" in _run([str(wheel_venv.python), "-c", "import prodi; print(prodi.__file__)"],
                                   project, env).stdout
    gold = spark_session.read.format("delta").load(
        str(project / "lakehouse" / "gold" / "revenue_by_store"))
    assert sorted(tuple(r) for r in gold.collect()) == GOLD
    quarantine = spark_session.read.format("delta").load(
        str(project / "lakehouse" / "quarantine" / "silver" / "sales")).collect()
    assert [(r["_values"]["sale_id"], [e["rule"] for e in r["_errors"]]) for r in quarantine] == \
        [("S005", ["amount_not_negative"])]

    tests = _run(["make", "test"], project, env)
    assert "5 passed" in tests.stdout and "plugins:" in tests.stdout
    assert "prodi-" in tests.stdout.split("plugins:", 1)[1].splitlines()[0]
