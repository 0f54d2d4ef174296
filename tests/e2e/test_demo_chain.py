"""The whole chain raw -> bronze -> silver -> gold through the real CLI on Spark + Delta."""

from __future__ import annotations

from pathlib import Path

import pytest
from chispa import assert_df_equality
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import types as T

from prodi.cli.main import main
from tests.conftest import REPO, generate_demo_data
from tests.e2e import expected_demo

pytestmark = [pytest.mark.spark, pytest.mark.slow]
LAYERS = ("raw", "bronze", "silver", "gold")
TABLES = {"raw": ("orders", "customers"), "bronze": ("orders", "customers"),
          "silver": ("orders", "customers"), "gold": ("daily_revenue", "revenue_by_country")}


def run_chain(*overrides: str) -> None:
    for layer in LAYERS:
        main(["run-layer", f"layer={layer}", *overrides])


def business_content(spark: SparkSession, lakehouse: Path) -> dict[str, list]:
    """Every table's rows without `_` metadata columns, sorted."""
    content = {}
    for layer, names in TABLES.items():
        for name in names:
            df = spark.read.format("delta").load(str(lakehouse / layer / name))
            cols = sorted(c for c in df.columns if not c.startswith("_"))
            content[f"{layer}.{name}"] = sorted(tuple(r) for r in df.select(*cols).collect())
    return content


@pytest.fixture(scope="module")
def demo_lakehouse(spark_session: SparkSession, tmp_path_factory: pytest.TempPathFactory
                   ) -> Path:
    root = tmp_path_factory.mktemp("demo")
    mp = pytest.MonkeyPatch()
    mp.chdir(root)
    mp.setenv("PRODI_LAKEHOUSE", str(root / "lakehouse"))
    mp.setenv("PRODI_HYDRA_DIR", str(root / "hydra"))
    mp.delenv("PRODI_FORCE_DRY_RUN", raising=False)
    generate_demo_data(root / "lakehouse" / "landing")
    run_chain()
    yield root / "lakehouse"
    mp.undo()


def _gold(spark: SparkSession, lakehouse: Path, name: str) -> DataFrame:
    return spark.read.format("delta").load(str(lakehouse / "gold" / name))


MART_SCHEMAS = {
    "daily_revenue": ("order_date", T.DateType(), expected_demo.daily_revenue),
    "revenue_by_country": ("country", T.StringType(), expected_demo.revenue_by_country),
}


@pytest.mark.parametrize("mart", sorted(MART_SCHEMAS))
def test_gold_mart_matches_independent_computation(spark_session, demo_lakehouse, mart):
    first, first_type, compute = MART_SCHEMAS[mart]
    schema = T.StructType([
        T.StructField(first, first_type), T.StructField("currency", T.StringType()),
        T.StructField("orders", T.LongType()), T.StructField("revenue", T.DecimalType(14, 2))])
    expected = spark_session.createDataFrame(compute(demo_lakehouse / "landing"), schema)
    assert_df_equality(_gold(spark_session, demo_lakehouse, mart), expected,
                       ignore_row_order=True, ignore_nullable=True)


def test_silver_orders_hold_latest_valid_version_per_key(spark_session, demo_lakehouse):
    expected = expected_demo.silver_orders(demo_lakehouse / "landing")
    rows = spark_session.read.format("delta").load(
        str(demo_lakehouse / "silver" / "orders")).collect()
    assert sorted(r["order_id"] for r in rows) == sorted(expected)
    for r in rows:
        e = expected[r["order_id"]]
        assert (r["amount"], r["currency"], r["status"]) == (e["amount"], e["currency"], e["status"])
    assert not {"BAD-AMOUNT", "BAD-NEGATIVE", "BAD-CURRENCY"} & {r["order_id"] for r in rows}


def test_raw_keeps_every_delivered_row_with_metadata(spark_session, demo_lakehouse):
    landing = demo_lakehouse / "landing" / "orders"
    delivered = sum(len(p.read_text().splitlines()) - 1 for p in landing.glob("*.csv"))
    raw = spark_session.read.format("delta").load(str(demo_lakehouse / "raw" / "orders"))
    assert raw.count() == delivered
    assert {"_source_file", "_landed_date", "_ingested_at", "_run_id"} <= set(raw.columns)
    assert raw.select("_landed_date").distinct().count() == 7


def test_second_run_changes_no_business_content(spark_session, demo_lakehouse):
    before = business_content(spark_session, demo_lakehouse)
    run_chain()
    after = business_content(spark_session, demo_lakehouse)
    assert after == before


def test_example_files_in_order_give_the_demo_gold_tables(spark_session, demo_lakehouse, tmp_path,
                                                          monkeypatch):
    lakehouse = tmp_path / "lakehouse"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PRODI_LAKEHOUSE", str(lakehouse))
    monkeypatch.setenv("PRODI_HYDRA_DIR", str(tmp_path / "hydra"))
    generate_demo_data(lakehouse / "landing")
    for layer in LAYERS:
        main(["run-layer", layer, "-c", str(REPO / "cfg" / layer / "example.yml"), "dry_run=false"])
    for mart in TABLES["gold"]:
        assert_df_equality(_gold(spark_session, lakehouse, mart),
                           _gold(spark_session, demo_lakehouse, mart),
                           ignore_row_order=True, ignore_nullable=True)


PLATINUM = """\
# A fifth layer, declared by a user: marts over the gold marts.
name: platinum
upstream: gold
items: marts
dated: false
stages:
  - {stage: read, source: {type: sql}}
  - {stage: write, sink: {type: overwrite}}
"""


def test_a_fifth_layer_declared_in_yaml_runs_marts_over_gold(spark_session, demo_lakehouse,
                                                             tmp_path):
    conf = tmp_path / "my_conf"
    (conf / "layer").mkdir(parents=True)
    (conf / "layer" / "platinum.yaml").write_text(PLATINUM, encoding="utf-8")
    mart = ("+pipeline.marts.revenue_by_currency={layer: platinum, sql: 'SELECT currency, "
            "SUM(orders) AS orders, SUM(revenue) AS revenue FROM daily_revenue GROUP BY currency'}")
    main(["run-layer", "layer=platinum", "--config-dir", str(conf), mart])
    totals: dict[str, tuple[int, object]] = {}
    for _, currency, orders, revenue in expected_demo.daily_revenue(demo_lakehouse / "landing"):
        n, total = totals.get(currency, (0, 0))
        totals[currency] = (n + orders, total + revenue)
    rows = spark_session.read.format("delta").load(
        str(demo_lakehouse / "platinum" / "revenue_by_currency")).collect()
    assert sorted((r["currency"], r["orders"], r["revenue"]) for r in rows) == \
        sorted((c, n, t) for c, (n, t) in totals.items())
    # gold runs only its own marts; the platinum one is not among them
    with pytest.raises(SystemExit) as exc:
        main(["run-layer", "layer=gold", "--config-dir", str(conf), mart,
              "datasets=[revenue_by_currency]", "dry_run=true"])
    assert exc.value.code == 2


def test_demo_bad_rows_are_all_in_quarantine_with_their_reasons(spark_session, demo_lakehouse):
    expected = expected_demo.quarantine(demo_lakehouse / "landing")
    for layer in ("bronze", "silver"):
        rows = spark_session.read.format("delta").load(
            str(demo_lakehouse / "quarantine" / layer / "orders")).collect()
        got = sorted(((Path(r["_source_file"]).name, r["_values"]["order_id"],
                       tuple(e["rule"] for e in r["_errors"])) for r in rows), key=str)
        assert got == expected[layer], layer
    assert expected["bronze"] and expected["silver"]  # the demo does deliver bad rows
    assert not (demo_lakehouse / "quarantine" / "raw").exists()  # every demo line parses


def test_show_lists_the_quarantine_with_reasons(demo_lakehouse, capsys):
    main(["show", "layer=silver"])
    out = capsys.readouterr().out
    assert "== quarantine of silver.orders:" in out
    assert "currency_known" in out and "amount_not_negative" in out
