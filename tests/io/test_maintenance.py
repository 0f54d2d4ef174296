"""`prodi maintain` on real Delta tables: Z-order, clustering, properties, VACUUM, skips, failures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from prodi.cli.main import main
from prodi.io.maintenance import RETENTION_CHECK_CONF

SHOP = """\
name: shop
datasets:
  orders:
    raw: &raw {source: {format: csv, path: "${cloud.storage.landing}/any", glob: "*.csv"}}
    bronze: {columns: [{name: order_id, type: string}, {name: customer_id, type: string},
                       {name: order_date, type: date}, {name: updated_at, type: timestamp}]}
    silver:
      keys: [order_id]
      sequence_by: updated_at
      partition_by: [order_date]
      maintenance:
        zorder_by: [customer_id]
        properties: {delta.enableChangeDataFeed: "true"}
  customers:
    raw: *raw
    bronze: {columns: [{name: customer_id, type: string}, {name: country, type: string},
                       {name: updated_at, type: timestamp}]}
    silver: {keys: [customer_id], sequence_by: updated_at, maintenance: {cluster_by: [country]}}
  refunds:   # declared unpartitioned, but its table is partitioned: clustering must fail
    raw: *raw
    bronze: {columns: [{name: refund_id, type: string}, {name: refund_date, type: string}]}
    silver: {keys: [refund_id], dedupe: last_arrived, maintenance: {cluster_by: [refund_id]}}
  returns:   # no table yet
    raw: *raw
    bronze: {columns: [{name: return_id, type: string}]}
    silver: {keys: [return_id], dedupe: last_arrived}
"""


def _append(spark, rows: list[tuple], schema: str, location: Path, *partition_by: str) -> None:
    writer = spark.createDataFrame(rows, schema).write.format("delta").mode("append")
    (writer.partitionBy(*partition_by) if partition_by else writer).save(str(location))


def _history(spark, location: Path) -> list:
    return spark.sql(f"DESCRIBE HISTORY delta.`{location}`").collect()


def _data_files(location: Path) -> int:
    return sum(1 for p in location.rglob("*.parquet") if "_delta_log" not in p.parts)


@pytest.mark.spark
def test_maintain_optimizes_clusters_sets_properties_and_vacuums(spark_session, isolated_run: Path,
                                                                 capfd) -> None:
    spark = spark_session
    conf = isolated_run / "conf"
    (conf / "pipeline").mkdir(parents=True)
    (conf / "pipeline" / "shop.yaml").write_text(SHOP, encoding="utf-8")
    lh = isolated_run / "lakehouse"
    orders, customers = lh / "silver" / "orders", lh / "silver" / "customers"
    quarantine = lh / "quarantine" / "silver" / "orders"
    order_schema = "order_id string, customer_id string, order_date date, updated_at timestamp"
    day, ts = dt.date(2026, 1, 1), dt.datetime(2026, 1, 1, 10)
    for batch in range(2):  # two commits: several small files per partition
        _append(spark, [(f"o{batch}{i}", f"c{i % 3}", day + dt.timedelta(days=i % 2), ts)
                        for i in range(4)], order_schema, orders, "order_date")
        _append(spark, [(f"c{batch}", "DE" if batch % 2 else "FR", ts)],
                "customer_id string, country string, updated_at timestamp", customers)
        _append(spark, [(f"bad{batch}", "2026-01-01")], "_values string, _landed_date string",
                quarantine, "_landed_date")
    _append(spark, [("r1", "2026-01-01")], "refund_id string, refund_date string",
            lh / "silver" / "refunds", "refund_date")
    rows_before = sorted(spark.read.format("delta").load(str(orders)).collect())
    files_before = _data_files(orders)
    capfd.readouterr()

    with pytest.raises(SystemExit) as exc:
        main(["maintain", "layer=silver", "--config-dir", str(conf), "pipeline=shop",
              "env.maintenance.vacuum_retention_hours=0", "env.maintenance.force_retention=true"])
    assert exc.value.code == 1
    err = capfd.readouterr().err
    # the failing table is named with its cause (its key path); the others were maintained
    assert "maintenance failed for 1 table(s): silver.refunds: " in err
    assert "pipeline.datasets.refunds.silver.maintenance.cluster_by: expected an unpartitioned " \
           "table" in err and "partitioned by refund_date" in err
    assert "silver.returns" in err and "skipped" in err  # no table yet: not a failure

    history = _history(spark, orders)
    ops = [h["operation"] for h in history]
    assert ops[:4] == ["VACUUM END", "VACUUM START", "OPTIMIZE", "SET TBLPROPERTIES"]
    optimize = history[2]
    assert optimize["operationParameters"]["zOrderBy"] == '["customer_id"]'
    assert history[1]["operationParameters"]["specifiedRetentionMillis"] == "0"
    detail = spark.sql(f"DESCRIBE DETAIL delta.`{orders}`").collect()[0]
    assert detail["properties"]["delta.enableChangeDataFeed"] == "true"
    # OPTIMIZE compacted each date's files into one, VACUUM deleted all the replaced ones
    assert detail["numFiles"] == 2 == _data_files(orders) < files_before
    assert int(history[0]["operationMetrics"]["numDeletedFiles"]) == files_before
    assert sorted(spark.read.format("delta").load(str(orders)).collect()) == rows_before
    assert spark.conf.get(RETENTION_CHECK_CONF) == "true"  # off for that VACUUM only

    detail = spark.sql(f"DESCRIBE DETAIL delta.`{customers}`").collect()[0]
    assert detail["clusteringColumns"] == ["country"]
    ops = {h["operation"]: h for h in _history(spark, customers)}
    assert ops["OPTIMIZE"]["operationParameters"]["clusterBy"] == '["country"]'
    assert "CLUSTER BY" in ops and "VACUUM END" in ops
    assert [h["operation"] for h in _history(spark, quarantine)][:3] == \
        ["VACUUM END", "VACUUM START", "OPTIMIZE"]

    # Again, only what is still to do: properties and clustering are in place, no new commits
    main(["maintain", "layer=silver", "--config-dir", str(conf), "pipeline=shop",
          "datasets=[orders,customers]"])
    assert [h["operation"] for h in _history(spark, orders)][:3] == \
        ["VACUUM END", "VACUUM START", "OPTIMIZE"]
    assert [h["operation"] for h in _history(spark, customers)].count("CLUSTER BY") == 1
