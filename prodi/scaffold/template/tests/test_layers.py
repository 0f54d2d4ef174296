"""One test per layer of the __project__ pipeline, each on a lakehouse of its own.

`prodi_workspace` (prodi's pytest plugin) points prodi at a temporary lakehouse and conf/,
lands files, runs layers in this process on pytest-spark's session and reads the tables back.
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "landing"


def test_raw_keeps_every_delivered_row_as_text(prodi_workspace):
    prodi_workspace.land("sales", "2026-02-01", [
        {"sale_id": "S100", "store": "north", "sold_on": "2026-02-01", "amount": "1.00",
         "updated_at": "2026-02-01T08:00:00"},
        {"sale_id": "S101", "store": "east", "sold_on": "2026-02-01", "amount": "oops",
         "updated_at": "2026-02-01T09:00:00"},
    ])
    prodi_workspace.run("raw")
    assert [(r["sale_id"], r["amount"]) for r in prodi_workspace.rows("raw", "sales")] == \
        [("S100", "1.00"), ("S101", "oops")]


def test_bronze_casts_and_quarantines_what_does_not_cast(prodi_workspace):
    prodi_workspace.land("sales", "2026-02-01", [
        {"sale_id": "S100", "store": "north", "sold_on": "2026-02-01", "amount": "1.00",
         "updated_at": "2026-02-01T08:00:00"},
        {"sale_id": "S101", "store": "east", "sold_on": "2026-02-01", "amount": "oops",
         "updated_at": "2026-02-01T09:00:00"},
    ])
    prodi_workspace.run("raw,bronze")
    rows = prodi_workspace.rows("bronze", "sales", columns=["sale_id", "sold_on", "amount"])
    assert rows == [{"sale_id": "S100", "sold_on": date(2026, 2, 1), "amount": Decimal("1.00")}]
    (bad,) = prodi_workspace.quarantined("bronze", "sales")
    assert bad["values"]["sale_id"] == "S101"


def test_silver_keeps_the_newest_version_and_quarantines_the_bad_row(prodi_workspace):
    prodi_workspace.land_tree(SAMPLE)
    prodi_workspace.run("raw,bronze,silver")
    assert prodi_workspace.rows("silver", "sales", columns=["sale_id", "store", "amount"]) == [
        {"sale_id": "S001", "store": "north", "amount": Decimal("10.50")},
        {"sale_id": "S002", "store": "south", "amount": Decimal("22.00")},
        {"sale_id": "S003", "store": "north", "amount": Decimal("5.25")},
        {"sale_id": "S004", "store": "south", "amount": Decimal("7.75")},
    ]
    (bad,) = prodi_workspace.quarantined("silver", "sales")
    assert (bad["values"]["sale_id"], bad["rules"]) == ("S005", ["amount_not_negative"])


def test_gold_matches_its_golden_file(prodi_workspace, prodi_golden):
    prodi_workspace.land_tree(SAMPLE)
    prodi_workspace.run("raw,bronze,silver,gold")
    prodi_golden.check(prodi_workspace.table("gold", "revenue_by_store"), "revenue_by_store.csv")
