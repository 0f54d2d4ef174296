"""Tables by catalog name (`cloud.catalog`, `cloud.schema`): the names every table gets, the
config errors, and the local catalog a local run gets. No Spark."""

from __future__ import annotations

from functools import cache

import pytest
from omegaconf import DictConfig

from prodi.cli.main import main
from prodi.config.compose import composer
from prodi.config.load import load
from prodi.engine.session import spark_conf
from prodi.io.run_ledger import DATASET_RUNS, RUNS, location
from prodi.model.errors import ConfigErrors
from prodi.model.layout import TableSpace
from prodi.model.schema.app import AppConfig
from prodi.sinks.keyed import change_log_location
from prodi.sinks.quarantine import quarantine_location
from prodi.sources.landed_files import ledger_location
from prodi.sources.missing_input import table_missing_on_disk

NAMED = ["cloud.catalog=main", "cloud.schema=sales"]


@cache
def composed(overrides: tuple[str, ...]) -> DictConfig:
    with composer() as c:
        return c.compose(list(overrides))


def app_of(*overrides: str) -> AppConfig:
    return load(composed(overrides), list(overrides), environ={}).app


def test_without_a_schema_tables_are_folders_under_the_root(tmp_path):
    space = TableSpace(str(tmp_path))
    assert space.table("silver", "orders") == f"{tmp_path}/silver/orders"
    assert location(space, RUNS) == f"{tmp_path}/_prodi/runs"


def test_with_a_schema_every_table_is_a_name_in_it():
    space = TableSpace("/unused", "main.sales")
    assert space.table("silver", "orders") == "main.sales.silver_orders"
    assert space.table("quarantine/silver", "dev_orders") == "main.sales.quarantine_silver_dev_orders"
    assert space.table("ingested_files/raw", "orders") == "main.sales.ingested_files_raw_orders"
    assert location(space, RUNS) == "main.sales.prodi_runs"
    assert location(space, DATASET_RUNS) == "main.sales.prodi_dataset_runs"
    # A schema alone: names in the session's current catalog.
    assert TableSpace("/unused", "sales").table("gold", "daily") == "sales.gold_daily"


def test_the_dry_run_plan_reads_and_writes_names(monkeypatch, capsys):
    monkeypatch.setenv("PRODI_FORCE_DRY_RUN", "1")
    main(["run-layer", "layer=silver", *NAMED, "env.table_prefix=dev_"])
    out = capsys.readouterr().out
    assert "reads: main.sales.bronze_dev_orders " in out
    assert "writes: main.sales.silver_dev_orders\n" in out
    main(["run-layer", "layer=silver"])
    out = capsys.readouterr().out
    assert "writes: main.sales" not in out and "/silver/orders\n" in out  # path mode by default


def test_quarantine_change_log_and_file_ledger_are_named_too():
    from prodi.config.layers import layer_catalog

    app = app_of("layer=silver", *NAMED)
    plans = _plans(app, layer_catalog([]))
    orders = next(p.item for p in plans if p.item.name == "orders")
    customers = next(p.item for p in plans if p.item.name == "customers")
    assert quarantine_location(orders) == "main.sales.quarantine_silver_orders"
    assert change_log_location(customers) == "main.sales.changes_silver_customers"
    raw = next(p.item for p in _plans(app_of("layer=raw", *NAMED), layer_catalog([]))
               if p.item.name == "orders")
    assert ledger_location(raw) == "main.sales.ingested_files_raw_orders"


def _plans(app: AppConfig, catalog):  # noqa: ANN202 - the run's item plans
    from prodi.config.validate import check

    plans, errors = check(app, {}, catalog)
    assert not errors, errors
    return plans


@pytest.mark.parametrize("bad", ["main.sales", "my schema", "`x`", "a/b"])
def test_a_name_part_with_a_dot_backtick_space_or_slash_is_refused_naming_the_key(bad):
    with pytest.raises(ConfigErrors) as raised:
        app_of("layer=silver", "cloud.catalog=main", f"cloud.schema='{bad}'")
    text = str(raised.value)
    assert "cloud.schema" in text and "one name part" in text and bad in text


def test_a_catalog_without_a_schema_is_refused_naming_the_schema_key(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["run-layer", "layer=silver", "cloud.catalog=main", "env.dry_run=true"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "cloud.schema" in err and "the schema of catalog main the tables go in" in err


def test_a_local_run_by_name_gets_a_catalog_under_the_root(tmp_path, monkeypatch):
    monkeypatch.setenv("PRODI_LAKEHOUSE", str(tmp_path))
    conf = spark_conf(app_of("layer=silver", "cloud.catalog=spark_catalog", "cloud.schema=sales"))
    folder = f"{tmp_path}/_catalog"
    assert conf["spark.sql.catalogImplementation"] == "hive"
    assert conf["spark.sql.warehouse.dir"] == f"{folder}/warehouse"
    assert conf["spark.hadoop.javax.jdo.option.ConnectionURL"] == \
        f"jdbc:derby:;databaseName={folder}/metastore_db;create=true"
    assert conf["spark.driver.extraJavaOptions"] == f"-Dderby.stream.error.file={folder}/derby.log"


def test_no_local_catalog_by_path_on_a_cloud_through_connect_or_with_ones_own(tmp_path, monkeypatch):
    monkeypatch.setenv("PRODI_LAKEHOUSE", str(tmp_path))
    key = "spark.sql.catalogImplementation"
    assert key not in spark_conf(app_of("layer=silver"))
    assert key not in spark_conf(app_of("layer=silver", "cloud=aws", *NAMED))
    assert key not in spark_conf(app_of("layer=silver", *NAMED, "spark.remote=sc://127.0.0.1:1"))
    own = spark_conf(app_of("layer=silver", *NAMED, "++spark.conf={spark.sql.catalogImplementation: "
                            "in-memory, spark.driver.extraJavaOptions: -Xss4m}"))
    assert own[key] == "in-memory" and own["spark.driver.extraJavaOptions"] == "-Xss4m"


def test_a_dry_run_cannot_tell_a_named_table_is_missing():
    assert not table_missing_on_disk("main.sales.bronze_orders")
    assert table_missing_on_disk("/nonexistent/bronze/orders")
