"""`prodi doctor`, and a gold run over a corrupt silver table, through the real CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from delta.tables import DeltaTable

from prodi.app.doctor import doctor_command
from prodi.cli.main import main
from prodi.io import delta_tables
from prodi.model import commit_note

pytestmark = [pytest.mark.spark, pytest.mark.slow]
MART = ("+pipeline.marts.n_orders={layer: gold, sql: 'SELECT COUNT(*) AS n FROM orders'}",
        "datasets=[n_orders]")
SCHEMA = "order_id string, _landed_date string"
RUN = "20260101T000000Z-0000abcd"


def _orders(spark, lakehouse: Path, *ids: str) -> None:
    spark.createDataFrame([(i, "2026-01-01") for i in ids], SCHEMA).write.format("delta") \
        .mode("append").save(str(lakehouse / "silver" / "orders"))


def _version(spark, table: Path) -> int:
    return DeltaTable.forPath(spark, str(table)).history(1).collect()[0]["version"]


@pytest.fixture(scope="module")
def lakehouse(spark_session, tmp_path_factory) -> Path:
    """silver.orders (two orders) and gold's n_orders mart, committed as a prodi run would."""
    root = tmp_path_factory.mktemp("doctor") / "lakehouse"
    _orders(spark_session, root, "o1", "o2")
    mart = spark_session.createDataFrame([(2,)], "n long").coalesce(1)  # no empty second file
    delta_tables.overwrite(mart, str(root / "gold" / "n_orders"),
                           commit_note.encode(RUN, "w1", "n_orders", {}, None))
    return root


@pytest.fixture
def copy(lakehouse, tmp_path, monkeypatch) -> Path:
    """The lakehouse, copied for a test to break."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PRODI_LAKEHOUSE", str(tmp_path / "lakehouse"))
    monkeypatch.setenv("PRODI_HYDRA_DIR", str(tmp_path / "hydra"))
    monkeypatch.delenv("PRODI_FORCE_DRY_RUN", raising=False)
    return Path(shutil.copytree(lakehouse, tmp_path / "lakehouse"))


def _lines(out: str) -> dict[str, list[str]]:
    """The report's table rows by table name, split on runs of spaces."""
    rows = {}
    for line in out.splitlines()[2:]:
        if not line.strip():
            break
        cells = [c.strip() for c in line.split("  ") if c.strip()]
        rows[cells[0]] = cells[1:]
    return rows


def test_doctor_finds_a_healthy_layer_healthy(spark_session, lakehouse, capsys, monkeypatch):
    monkeypatch.setenv("PRODI_LAKEHOUSE", str(lakehouse))
    assert doctor_command(["layer=gold", *MART]) == 0
    out = capsys.readouterr().out
    rows = _lines(out)
    assert list(rows) == ["gold.n_orders"]
    assert rows["gold.n_orders"] == ["ok", "0", f"prodi run {RUN}", "0",
                                     str(lakehouse / "gold" / "n_orders")]
    assert "1 table(s): 1 healthy, 0 not created yet, 0 broken" in out
    # written by hand, not by prodi: said, but not a fault; nothing quarantined yet: no table
    assert doctor_command(["layer=silver", "datasets=[orders]"]) == 0
    rows = _lines(capsys.readouterr().out)
    assert rows == {"silver.orders": ["ok", "0", "not prodi: WRITE", "0",
                                      str(lakehouse / "silver" / "orders")],
                    "silver.orders (quarantine)": ["no table yet",
                                                   str(lakehouse / "quarantine" / "silver" / "orders")]}


def test_a_gold_run_over_a_corrupt_silver_table_fails_and_writes_no_mart(spark_session, copy, capsys):
    """The issue's scenario: silver's latest commit cut to 0 bytes reads as rolled back; gold
    must fail with the corrupt-state message, not build a mart of the older rows."""
    _orders(spark_session, copy, "o3")
    (copy / "silver" / "orders" / "_delta_log" / f"{1:020d}.json").write_bytes(b"")
    with pytest.raises(SystemExit) as exit_:
        main(["run-layer", "layer=gold", *MART])
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert (f"Delta table {copy / 'silver' / 'orders'} is corrupt: its latest commit file "
            f"{1:020d}.json is empty (0 bytes)") in err
    assert "RESTORE TABLE delta.`" + str(copy / "silver" / "orders") + "` TO VERSION AS OF 0" in err
    assert _version(spark_session, copy / "gold" / "n_orders") == 0

    assert doctor_command(["layer=silver", "datasets=[orders]"]) == 1
    out = capsys.readouterr().out
    rows = _lines(out)
    assert rows["silver.orders"][:2] == ["corrupt", "1"]
    assert rows["silver.orders (quarantine)"][0] == "no table yet"
    assert "table(s): 0 healthy" in out and ", 1 broken" in out
    assert f"- silver.orders: Delta table {copy / 'silver' / 'orders'} is corrupt" in out


def test_a_silver_run_over_a_half_created_bronze_table_fails_instead_of_skipping(copy, capsys):
    """The issue's first-write kill: bronze holds data files and an empty _delta_log. Silver
    used to skip it as missing and exit 0."""
    bronze = copy / "bronze" / "orders"
    (bronze / "_delta_log").mkdir(parents=True)
    (bronze / "part-00000-partial.c000.snappy.parquet").write_bytes(b"PAR1")
    with pytest.raises(SystemExit) as exit_:
        main(["run-layer", "layer=silver", "datasets=[orders]"])
    assert exit_.value.code == 1
    assert (f"Delta table {bronze} is half-created: it holds 1 data file(s) and an empty _delta_log "
            "but no commit") in capsys.readouterr().err
    assert not (copy / "silver" / "orders" / "_delta_log" / f"{1:020d}.json").exists()
    assert doctor_command(["layer=bronze", "datasets=[orders]"]) == 1
    assert _lines(capsys.readouterr().out)["bronze.orders"] == ["half-created", str(bronze)]
