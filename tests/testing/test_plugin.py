"""prodi's pytest plugin on a real Spark session: a user's pipeline landed, run and read through
a Workspace, and golden files checked and rewritten (pytester runs a user's test session)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal
from importlib.metadata import entry_points

import pytest

from prodi.app.init_project import init_project

pytestmark = pytest.mark.spark
pytest_plugins = ["pytester"]

ROWS = [
    {"sale_id": " S1 ", "store": "North", "sold_on": "2026-03-01", "amount": "4.10",
     "updated_at": "2026-03-01T08:00:00"},
    {"sale_id": "S2", "store": "east", "sold_on": "2026-03-01", "amount": "1.005",
     "updated_at": "2026-03-01T09:00:00"},
]


def test_the_plugin_is_registered_and_starts_no_spark_when_loaded():
    (plugin,) = [ep for ep in entry_points(group="pytest11") if ep.name == "prodi"]
    assert plugin.value == "prodi.testing.plugin"
    probe = ("import sys, prodi.testing.plugin, prodi.testing; "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pyspark', 'py4j')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_workspace_lands_rows_runs_layers_and_reads_tables(prodi_workspace_factory, tmp_path):
    project = init_project(tmp_path / "shop")
    (tmp_path / "ws").mkdir()
    workspace = prodi_workspace_factory(tmp_path / "ws", config_dir=project.root / "conf",
                                        overrides=["pipeline=shop", "env=shop_dev"])
    with workspace.activated() as ws:
        landed = ws.land("sales", "2026-03-01", ROWS)
        assert landed == tmp_path / "ws" / "lakehouse" / "landing" / "sales" / "sales_2026-03-01.csv"
        copied = ws.land("sales", "2026-03-02", file=project.root / "data" / "landing" / "sales" /
                         "sales_2026-01-02.csv")
        assert copied.name == "sales_2026-03-02.csv"
        assert ws.run(["raw", "bronze"]) == 0
        assert ws.rows("bronze", "sales", ["sale_id", "sold_on", "amount"]) == [
            {"sale_id": " S1 ", "sold_on": date(2026, 3, 1), "amount": Decimal("4.10")},
            {"sale_id": "S002", "sold_on": date(2026, 1, 1), "amount": Decimal("22.00")},
            {"sale_id": "S004", "sold_on": date(2026, 1, 2), "amount": Decimal("7.75")},
            {"sale_id": "S005", "sold_on": date(2026, 1, 2), "amount": Decimal("-3.00")}]
        ws.assert_table("raw", "sales", [{"sale_id": s} for s in (" S1 ", "S2", "S004", "S005",
                                                                   "S002")])
        (bad,) = ws.quarantined("bronze", "sales")
        assert (bad["file"], bad["values"]["sale_id"], bad["values"]["amount"]) == \
            ("sales_2026-03-01.csv", "S2", "1.005")
        assert ws.quarantined("silver", "sales") == []  # silver has not run
        with pytest.raises(AssertionError, match="exited 2"):
            ws.run("silver", "pipeline=nope")
        assert ws.run("silver", "pipeline=nope", check=False) == 2
        with pytest.raises(ValueError, match="has no dataset or mart 'orders'; it has: sales"):
            ws.table("silver", "orders")


GOLDEN_TEST = '''
from decimal import Decimal


def test_gold(prodi_golden, spark_session):
    df = spark_session.createDataFrame(
        [("north", 2, Decimal("15.75"), "x"), ("east", 1, None, "y")],
        "store string, sales bigint, revenue decimal(12,2), _run_id string")
    prodi_golden.check(df, "mart.csv")
'''

# The user's session reuses this one: pytest-spark's own fixture would stop it at the end.
INNER_CONFTEST = '''
import pytest
from pyspark.sql import SparkSession


@pytest.fixture(scope="session")
def spark_session():
    return SparkSession.getActiveSession()
'''


def test_golden_files_are_checked_and_rewritten_with_update_golden(pytester, spark_session):
    pytester.makeconftest(INNER_CONFTEST)
    pytester.makepyfile(test_mart=GOLDEN_TEST)
    golden = pytester.path / "golden" / "mart.csv"

    missing = pytester.runpytest("-p", "no:cacheprovider")
    missing.assert_outcomes(failed=1)
    missing.stdout.fnmatch_lines([f"*golden file {golden} does not exist*--update-golden*"])

    pytester.runpytest("-p", "no:cacheprovider", "--update-golden").assert_outcomes(passed=1)
    assert golden.read_text() == "store,sales,revenue\neast,1,\nnorth,2,15.75\n"

    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1)

    golden.write_text("store,sales,revenue\neast,1,\nnorth,2,15.76\n")
    changed = pytester.runpytest("-p", "no:cacheprovider")
    changed.assert_outcomes(failed=1)
    changed.stdout.fnmatch_lines(["*DataFramesNotEqualError*"])
    assert "15.76" in changed.stdout.str()
