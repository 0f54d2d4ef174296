"""The whole chain raw -> bronze -> silver -> gold through the real CLI on Spark + Delta, set up
and read through prodi's own test kit (prodi.testing's Workspace)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from chispa import assert_df_equality
from pyspark.sql import types as T

from prodi.cli.main import main
from prodi.testing import Workspace
from scripts.generate_demo_data import PRODUCTS, write_products
from tests.conftest import REPO, generate_demo_data
from tests.e2e import expected_demo

pytestmark = [pytest.mark.spark, pytest.mark.slow]
LAYERS = ("raw", "bronze", "silver", "gold")
DATASETS = ("orders", "customers", "products")
TABLES = {"raw": DATASETS, "bronze": DATASETS, "silver": DATASETS,
          "gold": ("daily_revenue", "revenue_by_country", "revenue_by_country_at_order",
                   "revenue_by_category")}
HISTORY = ("customer_id", "name", "email", "country", "_valid_from", "_valid_to")


def delta_logs(lakehouse: Path) -> dict[str, list[str]]:
    """Every Delta table under the lakehouse (quarantine and ledgers too, not the run ledger,
    which records every run) -> its commit files."""
    return {str(log.parent.relative_to(lakehouse)): sorted(p.name for p in log.glob("*.json"))
            for log in lakehouse.rglob("_delta_log") if "_prodi" not in log.parts}


def committed_partitions(table: Path) -> set[str]:
    """The `_landed_date` partitions the table's latest commit added or removed files in."""
    last = sorted((table / "_delta_log").glob("*.json"))[-1]
    actions = [json.loads(line) for line in last.read_text().splitlines()]
    return {(a.get("add") or a.get("remove"))["partitionValues"]["_landed_date"]
            for a in actions if "add" in a or "remove" in a}


def business_content(demo: Workspace) -> dict[str, list]:
    """Every table's rows without `_` metadata columns, sorted."""
    content = {}
    for layer, names in TABLES.items():
        for name in names:
            df = demo.table(layer, name)
            cols = sorted(c for c in df.columns if not c.startswith("_"))
            content[f"{layer}.{name}"] = sorted(tuple(r) for r in df.select(*cols).collect())
    return content


@pytest.fixture(scope="module")
def demo(prodi_workspace_factory, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Workspace]:
    """The demo's generated week through every layer, shared by this module's tests."""
    with prodi_workspace_factory(tmp_path_factory.mktemp("demo")).activated() as workspace:
        generate_demo_data(workspace.landing)
        workspace.run(LAYERS)
        yield workspace


MART_SCHEMAS = {
    "daily_revenue": ("order_date", T.DateType(), expected_demo.daily_revenue),
    "revenue_by_country": ("country", T.StringType(), expected_demo.revenue_by_country),
    "revenue_by_country_at_order": ("country", T.StringType(),
                                    expected_demo.revenue_by_country_at_order),
    "revenue_by_category": ("category", T.StringType(), expected_demo.revenue_by_category),
}


def customer_history(demo: Workspace) -> list[tuple]:
    rows = demo.table("silver", "customers")
    return sorted(tuple(r) for r in rows.select(*HISTORY, "_is_current").collect())


def expected_mart(spark, mart: str, landing: Path):  # noqa: ANN201 - a DataFrame
    """The gold mart as expected_demo computes it from the landed files, as a DataFrame."""
    first, first_type, compute = MART_SCHEMAS[mart]
    schema = T.StructType([
        T.StructField(first, first_type), T.StructField("currency", T.StringType()),
        T.StructField("orders", T.LongType()), T.StructField("revenue", T.DecimalType(14, 2))])
    return spark.createDataFrame(compute(landing), schema)


@pytest.mark.parametrize("mart", sorted(MART_SCHEMAS))
def test_gold_mart_matches_independent_computation(spark_session, demo, mart):
    assert_df_equality(demo.table("gold", mart), expected_mart(spark_session, mart, demo.landing),
                       ignore_row_order=True, ignore_nullable=True)


def test_silver_orders_hold_latest_valid_version_per_key(demo):
    expected = expected_demo.silver_orders(demo.landing)
    rows = demo.table("silver", "orders").collect()
    assert sorted(r["order_id"] for r in rows) == sorted(expected)
    for r in rows:
        e = expected[r["order_id"]]
        assert (r["amount"], r["currency"], r["status"], r["product_id"]) == \
            (e["amount"], e["currency"], e["status"], e["product_id"])
    assert not {"BAD-AMOUNT", "BAD-NEGATIVE", "BAD-CURRENCY"} & {r["order_id"] for r in rows}


def silver_products(demo: Workspace) -> dict[str, dict]:
    rows = demo.table("silver", "products").collect()
    return {r["product_id"]: {k: r[k] for k in ("name", "category", "unit_price", "updated_at")}
            for r in rows}


def test_silver_products_equal_the_shop_database(demo):
    assert silver_products(demo) == expected_demo.silver_products(demo.landing)


def test_silver_customers_keep_every_version_with_its_validity(demo):
    expected = expected_demo.customer_history(demo.landing)
    got = customer_history(demo)
    assert got == sorted((*v, v[-1] is None) for v in expected)
    moved = [v for v in expected if v[0] == "C0008"]
    assert len(moved) >= 3  # the late move on day 2 split the first interval
    assert len({v[0] for v in expected}) == sum(1 for v in got if v[-1])  # one current each


def test_the_point_in_time_mart_differs_where_customers_moved(demo):
    landing = demo.landing
    assert expected_demo.revenue_by_country_at_order(landing) != \
        expected_demo.revenue_by_country(landing)


def test_raw_keeps_every_delivered_row_with_metadata(demo):
    landing = demo.landing / "orders"
    delivered = sum(len(p.read_text().splitlines()) - 1 for p in landing.glob("*.csv"))
    raw = demo.table("raw", "orders")
    assert raw.count() == delivered
    assert {"_source_file", "_landed_date", "_ingested_at", "_run_id"} <= set(raw.columns)
    assert raw.select("_landed_date").distinct().count() == 7


def test_a_rerun_with_nothing_new_commits_nothing_to_any_table(demo):
    before, logs = business_content(demo), delta_logs(demo.lakehouse)
    assert len(logs) >= 10  # 8 tables, quarantines, the raw ledgers
    demo.run(LAYERS)
    assert delta_logs(demo.lakehouse) == logs
    assert business_content(demo) == before


def test_example_files_in_order_give_the_demo_gold_tables(demo, prodi_workspace):
    generate_demo_data(prodi_workspace.landing)
    for layer in LAYERS:
        main(["run-layer", layer, "-c", str(REPO / "cfg" / layer / "example.yml"), "dry_run=false"])
    for mart in TABLES["gold"]:
        assert_df_equality(prodi_workspace.table("gold", mart), demo.table("gold", mart),
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


def test_a_fifth_layer_declared_in_yaml_runs_marts_over_gold(demo, prodi_workspace_factory,
                                                             tmp_path):
    conf = tmp_path / "my_conf"
    (conf / "layer").mkdir(parents=True)
    (conf / "layer" / "platinum.yaml").write_text(PLATINUM, encoding="utf-8")
    mart = ("+pipeline.marts.revenue_by_currency={layer: platinum, sql: 'SELECT currency, "
            "SUM(orders) AS orders, SUM(revenue) AS revenue FROM daily_revenue GROUP BY currency'}")
    with prodi_workspace_factory(demo.root, config_dir=conf, overrides=[mart]).activated() as ws:
        ws.run("platinum")
        rows = ws.table("platinum", "revenue_by_currency").collect()
        # gold runs only its own marts; the platinum one is not among them
        assert ws.run("gold", "datasets=[revenue_by_currency]", "dry_run=true", check=False) == 2
    totals: dict[str, tuple[int, object]] = {}
    for _, currency, orders, revenue in expected_demo.daily_revenue(demo.landing):
        n, total = totals.get(currency, (0, 0))
        totals[currency] = (n + orders, total + revenue)
    assert sorted((r["currency"], r["orders"], r["revenue"]) for r in rows) == \
        sorted((c, n, t) for c, (n, t) in totals.items())


def test_demo_bad_rows_are_all_in_quarantine_with_their_reasons(demo):
    expected = expected_demo.quarantine(demo.landing)
    for layer in ("bronze", "silver"):
        got = sorted(((q["file"], q["values"]["order_id"], tuple(q["rules"]))
                      for q in demo.quarantined(layer, "orders")), key=str)
        assert got == expected[layer], layer
    assert expected["bronze"] and expected["silver"]  # the demo does deliver bad rows
    assert not (demo.lakehouse / "quarantine" / "raw").exists()  # every demo line parses


def test_show_lists_the_quarantine_with_reasons(demo, capsys):
    main(["show", "layer=silver"])
    out = capsys.readouterr().out
    assert "== quarantine of silver.orders:" in out
    assert "currency_known" in out and "amount_not_negative" in out


NEW_DELIVERY = """order_id,customer_id,product_id,order_date,amount,currency,status,updated_at
O000049,C0001,P003,2026-01-07,400.00,EUR,shipped,2026-01-08T09:00:00
O000090,C0002,P002,2026-01-08,12.50,GBP,placed,2026-01-08T10:00:00
"""


# The catalogue's next state: P002 changes category later, P007 is new; the rest is written again
# unchanged, P003 among them at exactly the last run's mark (it must not land twice).
CATALOGUE_CHANGES = (
    ("P002", "Green tea 100g", "Tea & Infusions", "6.50", "2026-01-08 08:00:00"),
    ("P007", "Cold brew kit", "equipment", "24.00", "2026-01-08 08:00:00"),
)


# After the tests that compare the shared lakehouse with a fresh one: it adds a delivery (the
# tests before it compute what they expect from the landing zone as it is).
def test_a_new_delivery_flows_through_only_its_partition_and_equals_a_full_refresh(demo):
    lakehouse = demo.lakehouse
    (lakehouse / "landing" / "orders" / "orders_2026-01-08.csv").write_text(NEW_DELIVERY)
    catalogue = {p[0]: p for p in PRODUCTS}
    catalogue.update({p[0]: p for p in CATALOGUE_CHANGES})
    write_products(lakehouse / "landing" / "products" / "shop.db", tuple(catalogue.values()))
    logs = delta_logs(lakehouse)
    demo.run(LAYERS)
    changed = {t for t, files in delta_logs(lakehouse).items() if files != logs.get(t)}
    assert changed == {"raw/orders", "ingested_files/raw/orders", "bronze/orders",
                       "silver/orders", "raw/products", "bronze/products", "silver/products",
                       *(f"gold/{m}" for m in TABLES["gold"])}
    assert committed_partitions(lakehouse / "raw" / "orders") == {"2026-01-08"}
    raw_products = demo.table("raw", "products")
    last_run = raw_products.orderBy("_ingested_at", ascending=False).first()["_run_id"]
    landed = raw_products.filter(f"_run_id = '{last_run}'").select(
        "product_id", "name", "category", "unit_price", "updated_at").collect()
    assert sorted(tuple(r) for r in landed) == sorted(CATALOGUE_CHANGES)  # only what changed
    assert silver_products(demo) == expected_demo.silver_products(demo.landing)
    assert committed_partitions(lakehouse / "bronze" / "orders") == {"2026-01-08"}
    incremental = business_content(demo)
    for mart, (first, _, compute) in MART_SCHEMAS.items():
        gold = demo.table("gold", mart).select(first, "currency", "orders", "revenue")
        assert sorted(tuple(r) for r in gold.collect()) == compute(demo.landing)
    demo.run(LAYERS, "run.full_refresh=true")
    refreshed = business_content(demo)
    # A full refresh lands the catalogue again as a new delivery (raw and bronze hold each row
    # twice, silver keeps one per key); every other table is the same.
    for table in ("raw.products", "bronze.products"):
        assert set(refreshed.pop(table)) == set(incremental.pop(table)), table
    assert refreshed == incremental


# Last: it rewrites the shared lakehouse's dates (same content, new commits).
def test_rerunning_a_date_range_leaves_every_table_identical(demo):
    before = business_content(demo)
    history = customer_history(demo)
    main(["backfill", "--from", "2026-01-03", "--to", "2026-01-04", "--layers", "bronze,silver,gold",
          "run.full_refresh=true"])
    assert customer_history(demo) == history
    assert business_content(demo) == before
