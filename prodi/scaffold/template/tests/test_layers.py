"""A test of each layer of the __project__ pipeline.

prodi's pytest plugin gives `prodi_workspace` (a lakehouse of the test's own, prodi pointed at
it and at conf/: land rows or files, run layers in this process on pytest-spark's session, read
tables and quarantines), `prodi_workspace_factory` (the same, shared by a module's tests) and
`prodi_golden` (tables against tests/golden/; `pytest --update-golden` rewrites them).
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "landing"


@pytest.fixture(scope="module")
def sample(prodi_workspace_factory, tmp_path_factory):
    """The sample delivery through every layer, once for the tests that read it."""
    with prodi_workspace_factory(tmp_path_factory.mktemp("sample")).activated() as workspace:
        workspace.land_tree(SAMPLE)
        workspace.run("raw,bronze,silver,gold")
        yield workspace


def test_raw_keeps_every_delivered_row_as_text(sample):
    assert [(r["sale_id"], r["amount"]) for r in sample.rows("raw", "sales", ["sale_id", "amount"])] == [
        ("S001", "10.50"), ("S002", "20.00"), ("S002", "22.00"), ("S003", "5.25"),
        ("S004", "7.75"), ("S005", "-3.00")]


def test_bronze_casts_to_the_declared_types(sample):
    sample.assert_table("bronze", "sales", [
        {"sale_id": "S001", "sold_on": date(2026, 1, 1), "amount": Decimal("10.50")},
        {"sale_id": "S002", "sold_on": date(2026, 1, 1), "amount": Decimal("20.00")},
        {"sale_id": "S002", "sold_on": date(2026, 1, 1), "amount": Decimal("22.00")},
        {"sale_id": "S003", "sold_on": date(2026, 1, 1), "amount": Decimal("5.25")},
        {"sale_id": "S004", "sold_on": date(2026, 1, 2), "amount": Decimal("7.75")},
        {"sale_id": "S005", "sold_on": date(2026, 1, 2), "amount": Decimal("-3.00")},
    ])


def test_bronze_quarantines_a_value_that_does_not_cast(prodi_workspace):
    prodi_workspace.land("sales", "2026-02-01", [
        {"sale_id": "S100", "store": "north", "sold_on": "2026-02-01", "amount": "1.00",
         "updated_at": "2026-02-01T08:00:00"},
        {"sale_id": "S101", "store": "east", "sold_on": "2026-02-01", "amount": "oops",
         "updated_at": "2026-02-01T09:00:00"},
    ])
    prodi_workspace.run("raw,bronze")
    assert [r["sale_id"] for r in prodi_workspace.rows("bronze", "sales")] == ["S100"]
    (bad,) = prodi_workspace.quarantined("bronze", "sales")
    assert (bad["values"]["sale_id"], bad["values"]["amount"]) == ("S101", "oops")


def test_silver_keeps_the_newest_version_and_quarantines_the_bad_row(sample):
    assert sample.rows("silver", "sales", columns=["sale_id", "store", "amount"]) == [
        {"sale_id": "S001", "store": "north", "amount": Decimal("10.50")},
        {"sale_id": "S002", "store": "south", "amount": Decimal("22.00")},
        {"sale_id": "S003", "store": "north", "amount": Decimal("5.25")},
        {"sale_id": "S004", "store": "south", "amount": Decimal("7.75")},
    ]
    (bad,) = sample.quarantined("silver", "sales")
    assert (bad["values"]["sale_id"], bad["rules"]) == ("S005", ["amount_not_negative"])


def test_gold_matches_its_golden_file(sample, prodi_golden):
    prodi_golden.check(sample.table("gold", "revenue_by_store"), "revenue_by_store.csv")
