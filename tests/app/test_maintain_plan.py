"""`prodi maintain` without a JVM: its settings are validated with key paths, and a dry-run
prints the SQL each table would get."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from prodi.cli.main import main
from tests.conftest import REPO

SHOP = """\
name: shop
datasets:
  orders:
    raw: {source: {format: csv, path: "${cloud.storage.landing}/orders", glob: "*.csv"}}
    bronze:
      columns: [{name: order_id, type: string}, {name: customer_id, type: string},
                {name: order_date, type: date}, {name: updated_at, type: timestamp}]
    silver:
      keys: [order_id]
      sequence_by: updated_at
      partition_by: [order_date]
      maintenance:
        zorder_by: [customer_id]
        properties: {delta.enableChangeDataFeed: "true"}
  customers:
    raw: {source: {format: csv, path: "${cloud.storage.landing}/customers", glob: "*.csv"}}
    bronze:
      columns: [{name: customer_id, type: string}, {name: country, type: string},
                {name: updated_at, type: timestamp}]
    silver:
      keys: [customer_id]
      sequence_by: updated_at
      maintenance: {cluster_by: [country]}
marts:
  orders_per_country:
    sql: >-
      SELECT c.country, COUNT(*) AS orders
      FROM orders o JOIN customers c USING (customer_id) GROUP BY c.country
    maintenance: {zorder_by: [country]}
"""


def shop_config(root: Path) -> list[str]:
    """A config dir of the test's own with the `shop` pipeline: the args that select it."""
    (root / "conf" / "pipeline").mkdir(parents=True, exist_ok=True)
    (root / "conf" / "pipeline" / "shop.yaml").write_text(SHOP, encoding="utf-8")
    return ["--config-dir", str(root / "conf"), "pipeline=shop"]


def plan_of(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    main(["maintain", *args, "dry_run=true", "plan_format=json"])
    out = capsys.readouterr().out
    return json.loads(out[out.index("{"):])


def config_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as exc:
        main(["maintain", *args, "dry_run=true"])
    assert exc.value.code == 2
    return capsys.readouterr().err


def test_plan_lists_each_tables_sql_in_order(isolated_run: Path, capsys) -> None:
    plan = plan_of(capsys, "layer=silver", *shop_config(isolated_run))
    lh = isolated_run / "lakehouse"
    tables = {t["table"]: t for t in plan["tables"]}
    assert list(tables) == ["silver.orders", "silver.orders (quarantine)", "silver.customers",
                            "silver.customers (quarantine)"]
    assert tables["silver.orders"]["sql"] == [
        f"ALTER TABLE delta.`{lh}/silver/orders` SET TBLPROPERTIES "
        "('delta.enableChangeDataFeed' = 'true')",
        f"OPTIMIZE delta.`{lh}/silver/orders` ZORDER BY (`customer_id`)",
        f"VACUUM delta.`{lh}/silver/orders` RETAIN 168 HOURS"]
    assert tables["silver.customers"]["sql"] == [
        f"ALTER TABLE delta.`{lh}/silver/customers` CLUSTER BY (`country`)",
        f"OPTIMIZE delta.`{lh}/silver/customers`",
        f"VACUUM delta.`{lh}/silver/customers` RETAIN 168 HOURS"]
    # the quarantine table beside it: compaction and VACUUM only
    assert tables["silver.orders (quarantine)"]["sql"] == [
        f"OPTIMIZE delta.`{lh}/quarantine/silver/orders`",
        f"VACUUM delta.`{lh}/quarantine/silver/orders` RETAIN 168 HOURS"]
    assert tables["silver.orders"]["settings"] == "pipeline.datasets.orders.silver.maintenance"
    assert "vacuum_conf" not in tables["silver.orders"]


def test_plan_of_marts_a_subset_and_forced_retention(isolated_run: Path, capsys) -> None:
    shop = shop_config(isolated_run)
    plan = plan_of(capsys, "layer=gold", *shop, "env.maintenance.vacuum_retention_hours=1",
                   "env.maintenance.force_retention=true")
    mart = plan["tables"][0]
    assert mart["table"] == "gold.orders_per_country"
    assert mart["sql"][-2:] == [
        f"OPTIMIZE delta.`{isolated_run}/lakehouse/gold/orders_per_country` ZORDER BY (`country`)",
        f"VACUUM delta.`{isolated_run}/lakehouse/gold/orders_per_country` RETAIN 1 HOURS"]
    assert mart["vacuum_conf"] == {"spark.databricks.delta.retentionDurationCheck.enabled": "false"}
    subset = plan_of(capsys, "layer=silver", *shop, "datasets=[customers]")
    assert [t["table"] for t in subset["tables"]] == ["silver.customers",
                                                      "silver.customers (quarantine)"]


def test_text_plan_names_the_settings_and_the_skip_rule(isolated_run: Path, capsys) -> None:
    main(["maintain", "layer=silver", *shop_config(isolated_run), "dry_run=true"])
    out = capsys.readouterr().out
    assert out.startswith("DRY-RUN maintenance plan: layer=silver cloud=local env=dev pipeline=shop")
    assert "a table that does not exist yet is skipped" in out
    assert "  - silver.orders  (settings: pipeline.datasets.orders.silver.maintenance)" in out
    assert "ZORDER BY (`customer_id`)" in out


MAINT = "pipeline.datasets.orders.silver.maintenance"


@pytest.mark.parametrize(("overrides", "phrases"), [
    (["env.maintenance.vacuum_retention_hours=24"],
     ["env.maintenance.vacuum_retention_hours: expected at least 168 hours",
      "env.maintenance.force_retention: true", "got 24"]),
    (["env.maintenance.vacuum_retention_hours=-1", "env.maintenance.force_retention=true"],
     ["env.maintenance.vacuum_retention_hours: expected a number of hours >= 0"]),
    ([f"+{MAINT}.cluster_by=[customer_id]"],
     [f"{MAINT}.cluster_by: expected either zorder_by or cluster_by"]),
    ([f"~{MAINT}.zorder_by", f"+{MAINT}.cluster_by=[customer_id]"],
     [f"{MAINT}.cluster_by: expected an unpartitioned table", "partitioned by order_date"]),
    ([f"{MAINT}.zorder_by=[customer_id,custid]"],
     [f"{MAINT}.zorder_by[1]: expected a column of the dataset (order_id, customer_id",
      "got 'custid'"]),
    ([f"{MAINT}.zorder_by=[order_date]"],
     [f"{MAINT}.zorder_by[0]: expected a column that is not a partition column"]),
    ([f"+{MAINT}.properties.enableChangeDataFeed=true"],
     [f"{MAINT}.properties.enableChangeDataFeed: expected a Delta table property (delta.*"]),
    (["pipeline.datasets.customers.silver.maintenance.cluster_by=[country,region]"],
     ["pipeline.datasets.customers.silver.maintenance.cluster_by[1]: expected a column"]),
])
def test_bad_settings_are_config_errors_with_key_paths(isolated_run: Path, capsys,
                                                       overrides: list[str],
                                                       phrases: list[str]) -> None:
    err = config_error(capsys, "layer=silver", *shop_config(isolated_run), *overrides)
    assert err.startswith("prodi: error: Invalid configuration")
    assert all(p in err for p in phrases), err


def test_a_run_layer_of_an_env_with_an_unsafe_retention_fails_up_front(isolated_run: Path,
                                                                      capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["run-layer", "layer=raw", "dry_run=true", "env.maintenance.vacuum_retention_hours=0"])
    assert exc.value.code == 2
    assert "env.maintenance.vacuum_retention_hours" in capsys.readouterr().err


def test_usage_errors_exit_2(isolated_run: Path, capsys) -> None:
    assert "layer" in config_error(capsys)  # no layer
    assert "--from" in config_error(capsys, "layer=silver", "--from", "2026-01-01")
    main(["maintain", "--help"])
    assert "prodi-maintain" in capsys.readouterr().out


def test_forced_dry_run_starts_no_jvm_and_touches_nothing(tmp_path: Path) -> None:
    """In a fresh interpreter: PRODI_FORCE_DRY_RUN=1 on an existing table imports no pyspark."""
    shop = shop_config(tmp_path)
    table = tmp_path / "lakehouse" / "silver" / "orders"
    table.mkdir(parents=True)
    (table / "part-0.parquet").write_bytes(b"untouched")
    script = ("import sys\nfrom prodi.cli.main import main\n"
              f"main(['maintain', 'layer=silver,gold', *{shop!r}])\n"
              "print('PYSPARK_LOADED=' + str('pyspark' in sys.modules))\n")
    env = {**os.environ, "PRODI_LAKEHOUSE": str(tmp_path / "lakehouse"),
           "PRODI_HYDRA_DIR": str(tmp_path / "hydra"), "PRODI_FORCE_DRY_RUN": "1"}
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "PYSPARK_LOADED=False" in done.stdout
    assert done.stdout.count("DRY-RUN maintenance plan") == 2
    assert "dry-run because: environment PRODI_FORCE_DRY_RUN=1" in done.stdout
    assert [p.name for p in table.iterdir()] == ["part-0.parquet"]


def test_the_wheel_entry_point_is_the_maintain_command() -> None:
    """Databricks calls `prodi-maintain` from the wheel's console scripts."""
    import importlib

    line = next(x for x in (REPO / "pyproject.toml").read_text().splitlines()
                if x.startswith("prodi-maintain = "))
    module, _, name = line.split("=", 1)[1].strip().strip('"').partition(":")
    assert getattr(importlib.import_module(module), name) is sys.modules["prodi.cli.main"].maintain


def test_the_demo_maintains_change_logs_and_marts_have_no_quarantine(isolated_run: Path,
                                                                      capsys) -> None:
    lh = isolated_run / "lakehouse"
    silver = {t["table"]: t for t in plan_of(capsys, "layer=silver")["tables"]}
    assert silver["silver.customers (change log)"]["sql"][0] == \
        f"OPTIMIZE delta.`{lh}/changes/silver/customers`"
    assert "silver.orders (change log)" not in silver  # merge without deletes keeps none
    gold = [t["table"] for t in plan_of(capsys, "layer=gold")["tables"]]
    assert gold == ["gold.daily_revenue", "gold.revenue_by_country",
                    "gold.revenue_by_country_at_order", "gold.revenue_by_category"]
