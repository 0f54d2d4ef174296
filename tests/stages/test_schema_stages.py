"""Giving rows their declared types behaves the same whether Spark's ANSI SQL mode is on (Spark 4's
default) or off (Spark 3.5's): a value kept by a `warn` type check becomes NULL, never an error."""

from __future__ import annotations

import pytest

from tests.conftest import generate_demo_data

pytestmark = pytest.mark.spark
WARN = "layer.stages.1.action=warn"  # bronze's validate_types stage: keep the rows, warn


def test_a_value_that_does_not_cast_is_null_with_or_without_ansi(prodi_workspace, spark_session):
    generate_demo_data(prodi_workspace.landing, "--days", "1")  # day 1 delivers amount "12,5O"
    prodi_workspace.run("raw", "datasets=[orders]")
    raw = prodi_workspace.table("raw", "orders").collect()
    unparsable = sorted(r["_record_number"] for r in raw if r["amount"] == "12,5O")
    assert unparsable
    before = spark_session.conf.get("spark.sql.ansi.enabled")
    try:
        for ansi in ("true", "false"):
            spark_session.conf.set("spark.sql.ansi.enabled", ansi)
            prodi_workspace.run("bronze", "datasets=[orders]", WARN)  # rewrites the day's rows
            bronze = prodi_workspace.table("bronze", "orders").collect()
            assert len(bronze) == len(raw), ansi
            assert sorted(r["_record_number"] for r in bronze if r["amount"] is None
                          and r["_record_number"] in unparsable) == unparsable, ansi
    finally:
        spark_session.conf.set("spark.sql.ansi.enabled", before)
    assert prodi_workspace.quarantined("bronze", "orders") == []
