"""The jdbc source against a real PostgreSQL (and SQLite): incremental runs by watermark with
inserts, updates and deletes in between, a failed run, a full refresh, partitioned reads, errors
that name the source without its password, and one run through the real CLI.

Expected rows are written out here, as the text raw keeps, never derived from prodi's code.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from loguru import logger

from prodi.cli.main import main
from prodi.sinks.delta import Append
from tests.sources.postgres_server import Postgres, postgres  # noqa: F401 - the fixture

pytestmark = pytest.mark.spark
DATA = ("id", "customer", "amount", "updated_at")
SECRET_ENV = "PRODI_SECRET__PG__PASSWORD"


class FailingWrite(Append):
    """Raw's write fails inside Spark's write job, after the source has been read."""

    def write(self, df, run):  # noqa: ANN001, ANN201 - the Sink signature
        from pyspark.sql import functions as F

        failing = F.raise_error(F.lit("disk full (test)")).cast("string")  # a void column is dropped
        return super().write(df.withColumn("customer", failing), run)


@pytest.fixture
def lakehouse(isolated_run: Path, postgres: Postgres, monkeypatch: pytest.MonkeyPatch  # noqa: F811
              ) -> Iterator[Path]:
    monkeypatch.setenv(SECRET_ENV, postgres.password)
    yield isolated_run
    logger.remove()  # prodi bound loguru's sinks to this test's captured stderr
    logger.add(lambda message: sys.stderr.write(message), level="INFO")


def _source(pg: Postgres, **options: str | int) -> str:
    fields = {"type": "jdbc", "url": pg.url, "user": pg.user,
              "password": "<<secrets/pg/password>>", **options}
    return "{" + ", ".join(f"{k}: {v!r}" if isinstance(v, int) else f'{k}: "{v}"'
                           for k, v in fields.items()) + "}"


def _pipeline(root: Path, datasets: dict[str, str]) -> list[str]:
    """Writes the pipeline `pg` (dataset -> its raw section) and returns the CLI arguments."""
    conf = root / "conf" / "pipeline"
    conf.mkdir(parents=True, exist_ok=True)
    body = "".join(f"  {name}:\n    raw: {raw}\n" for name, raw in datasets.items())
    (conf / "pg.yaml").write_text(f"name: pg\ndatasets:\n{body}", encoding="utf-8")
    return ["--config-dir", str(root / "conf"), "pipeline=pg"]


def _run(args: list[str], *overrides: str) -> None:
    main(["run-layer", "layer=raw", *args, *overrides])


def _raw(spark, root: Path, name: str):  # noqa: ANN001, ANN202
    return spark.read.format("delta").load(str(root / "lakehouse" / "raw" / name))


def _rows(spark, root: Path, name: str, run_id: str | None = None,  # noqa: ANN001
          columns: tuple[str, ...] = DATA) -> list[tuple]:
    df = _raw(spark, root, name)
    if run_id is not None:
        df = df.filter(df["_run_id"] == run_id)
    return sorted((tuple(r) for r in df.select(*columns).collect()), key=lambda r: int(r[0]))


def _ts(minutes: int) -> str:
    """The watermark value `minutes` after 2026-01-01 10:00 UTC, as raw keeps it."""
    return (dt.datetime(2026, 1, 1, 10) + dt.timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M:%S")


def _order(i: int, customer: str, amount: str, minutes: int) -> tuple[str, str, str, str]:
    return (str(i), customer, amount, _ts(minutes))


def _insert(pg: Postgres, *rows: tuple[str, str, str, str]) -> str:
    values = ", ".join(f"({i}, '{c}', {a}, '{t}+00')" for i, c, a, t in rows)
    return f"INSERT INTO orders VALUES {values};"


def test_incremental_runs_land_each_insert_and_update_once(spark_session, lakehouse: Path,
                                                           postgres: Postgres,  # noqa: F811
                                                           capsys) -> None:
    pg, spark = postgres, spark_session
    first = [_order(i, f"c{i}", f"{i}.50", 10 * i) for i in range(1, 11)]  # marks 10:10 .. 11:40
    pg.sql("DROP TABLE IF EXISTS orders; SET ROLE etl;"
           "CREATE TABLE orders (id int PRIMARY KEY, customer text, amount numeric(10,2), "
           "updated_at timestamptz);" + _insert(pg, *first))
    source = _source(pg, table="public.orders", watermark_column="updated_at",
                     lookback="30 minutes")
    args = _pipeline(lakehouse, {"orders": f"{{source: {source}}}"})

    _run(args, "run.id=r1")
    assert _rows(spark, lakehouse, "orders", "r1") == first

    # At the mark (11:40), after it, late but within the lookback, an update; a delete.
    new = [_order(11, "c11", "11.50", 100), _order(12, "c12", "12.50", 150),
           _order(13, "c13", "13.50", 85)]
    pg.sql(_insert(pg, *new) + f"UPDATE orders SET amount = 33.00, updated_at = '{_ts(120)}+00' "
           "WHERE id = 3; DELETE FROM orders WHERE id = 5;")
    second = sorted([*new, _order(3, "c3", "33.00", 120)], key=lambda r: int(r[0]))

    # A run whose raw write fails after the read lands nothing and keeps the mark where it was.
    failing = f"{{source: {source}, sink: {{type: {__name__}.FailingWrite, partition_by: [_landed_date]}}}}"
    failing_args = _pipeline(lakehouse, {"orders": failing})
    with pytest.raises(SystemExit) as failed:
        _run(failing_args, "run.id=r2-failed")
    assert failed.value.code == 1 and "disk full (test)" in capsys.readouterr().err
    assert _rows(spark, lakehouse, "orders") == first

    args = _pipeline(lakehouse, {"orders": f"{{source: {source}}}"})
    log_before = len(pg.statements())
    _run(args, "run.id=r2")
    assert _rows(spark, lakehouse, "orders", "r2") == second
    # The window (>= 11:40 - 30 minutes) is read by the database, not filtered after the fact.
    assert re.search(r'FROM public\.orders\s+WHERE .*"updated_at" >= \'2026-01-01 11:10:00',
                     pg.statements()[log_before:])

    pg.sql(f"UPDATE orders SET customer = 'c12b', updated_at = '{_ts(165)}+00' WHERE id = 12;"
           f"UPDATE orders SET amount = 111.00, updated_at = '{_ts(170)}+00' WHERE id = 11;"
           + _insert(pg, _order(14, "c14", "14.50", 150)) + "DELETE FROM orders WHERE id = 1;")
    _run(args, "run.id=r3")
    assert _rows(spark, lakehouse, "orders", "r3") == [
        _order(11, "c11", "111.00", 170), _order(12, "c12b", "12.50", 165),
        _order(14, "c14", "14.50", 150)]

    current = [_order(i, f"c{i}", f"{i}.50", 10 * i) for i in (2, 4, 6, 7, 8, 9, 10)] + [
        _order(3, "c3", "33.00", 120), _order(11, "c11", "111.00", 170),
        _order(12, "c12b", "12.50", 165), _order(13, "c13", "13.50", 85),
        _order(14, "c14", "14.50", 150)]
    _run(args, "run.id=r4", "run.full_refresh=true")
    assert _rows(spark, lakehouse, "orders", "r4") == sorted(current, key=lambda r: int(r[0]))

    origin = {tuple(r) for r in _raw(spark, lakehouse, "orders")
              .select("_source_file", "_landed_date").distinct().collect()}
    assert origin == {(f"{pg.url}#public.orders", dt.datetime.now(dt.timezone.utc).date().isoformat())}


def test_a_partitioned_read_lands_the_same_rows(spark_session, lakehouse: Path,
                                                postgres: Postgres) -> None:  # noqa: F811
    pg = postgres
    items = [(str(i), f"item {i}", f"{i * 3}.25", f"2026-02-{i:02d}") for i in range(1, 24)]
    values = ", ".join(f"({i}, '{n}', {p}, '{d}')" for i, n, p, d in items)
    pg.sql("DROP TABLE IF EXISTS items; SET ROLE etl;"
           "CREATE TABLE items (id bigint, name text, price numeric(8,2), created date);"
           f"INSERT INTO items VALUES {values};")
    args = _pipeline(lakehouse, {
        "whole": f"{{source: {_source(pg, table='items')}}}",
        "split": f"{{source: {_source(pg, table='items', partition_column='id', num_partitions=3)}}}",
        "split_query": "{source: " + _source(
            pg, query="SELECT id, name, price, created FROM items WHERE id > 1",
            partition_column="id", num_partitions=2) + "}"})
    log_before = len(pg.statements())
    _run(args, "run.id=p1")
    columns = ("id", "name", "price", "created")
    assert _rows(spark_session, lakehouse, "whole", columns=columns) == items
    assert _rows(spark_session, lakehouse, "split", columns=columns) == items
    assert _rows(spark_session, lakehouse, "split_query", columns=columns) == items[1:]
    log = pg.statements()[log_before:]
    assert "SELECT MIN(id) AS lo, MAX(id) AS hi FROM items" in log
    # Spark's range queries, one per partition, each with its own range of ids.
    assert len(re.findall(r'FROM items\s+WHERE "id" [<>]', log)) == 3
    assert len(re.findall(r'prodi_query\s+WHERE "id" [<>]', log)) == 2


@pytest.mark.parametrize(("options", "secret", "cause"), [
    ({"table": "orders"}, "not-the-password", 'password authentication failed for user "etl"'),
    ({"table": "no_such_table"}, None, 'relation "no_such_table" does not exist'),
    ({"table": "orders", "driver": "org.example.NoSuchDriver"}, None,
     "the JDBC driver org.example.NoSuchDriver is not on the Spark session's classpath"),
])
def test_driver_errors_name_the_source_never_the_password(
        spark_session, lakehouse: Path, postgres: Postgres, capsys,  # noqa: F811
        monkeypatch: pytest.MonkeyPatch, options: dict, secret: str | None, cause: str) -> None:
    pg = postgres
    secret = secret or pg.password
    monkeypatch.setenv(SECRET_ENV, secret)
    url = f"{pg.url}?user={pg.user}&password=<<secrets/pg/password>>"
    args = _pipeline(lakehouse, {"orders": f'{{source: {{type: jdbc, url: "{url}", '
                                           f'{", ".join(f"{k}: {v}" for k, v in options.items())}}}}}'})
    with pytest.raises(SystemExit) as exc:
        _run(args)
    err = capsys.readouterr().err
    assert exc.value.code == 1
    assert (f"dataset 'orders' (raw), source pipeline.datasets.orders.raw.source ({pg.url}): "
            in err), err
    assert cause in err and secret not in err


def test_sqlite_through_its_driver(spark_session, isolated_run: Path) -> None:
    db = isolated_run / "shop.db"
    with sqlite3.connect(db) as con:
        con.execute("CREATE TABLE refunds (refund_id INTEGER, reason TEXT)")
        con.executemany("INSERT INTO refunds VALUES (?, ?)", [(1, "late"), (2, "broken")])
    args = _pipeline(isolated_run, {"refunds": f'{{source: {{type: jdbc, url: "jdbc:sqlite:{db}", '
                                               'table: refunds}}'})
    try:
        _run(args)
    finally:
        logger.remove()
        logger.add(lambda message: sys.stderr.write(message), level="INFO")
    assert _rows(spark_session, isolated_run, "refunds", columns=("refund_id", "reason")) == [
        ("1", "late"), ("2", "broken")]


def test_the_cli_starts_spark_with_the_driver_and_masks_the_password(spark_session,
                                                                     postgres: Postgres,  # noqa: F811
                                                                     tmp_path: Path) -> None:
    pg = postgres
    pg.sql("DROP TABLE IF EXISTS notes; SET ROLE etl; CREATE TABLE notes (id int, body text);"
           "INSERT INTO notes VALUES (1, 'first'), (2, 'second');")
    url = f"{pg.url}?user={pg.user}&password=<<secrets/pg/password>>&ApplicationName=prodi"
    args = _pipeline(tmp_path, {"notes": f'{{source: {{type: jdbc, url: "{url}", table: notes}}}}'})
    bindir = Path(sys.executable).parent
    env = {"PATH": f"{bindir}:/usr/bin:/bin", "HOME": str(Path.home()),
           "PRODI_LAKEHOUSE": str(tmp_path / "lakehouse"), "PRODI_HYDRA_DIR": str(tmp_path / "hydra"),
           SECRET_ENV: pg.password,
           **{k: v for k, v in os.environ.items() if k in ("JAVA_HOME", "PRODI_JARS_DIR")}}
    done = subprocess.run([str(bindir / "prodi"), "run-layer", "layer=raw", *args,
                           "log.level=DEBUG"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "org.postgresql:postgresql:42.7.14" in done.stderr  # the new session got the driver
    written = "\n".join(p.read_text(errors="replace") for p in (tmp_path / "hydra").rglob("*")
                        if p.is_file())
    assert pg.password not in done.stdout + done.stderr + written
    landed = _raw(spark_session, tmp_path, "notes").select("id", "body", "_source_file").collect()
    assert sorted(tuple(r) for r in landed) == [
        ("1", "first", f"{pg.url}?ApplicationName=prodi#notes"),
        ("2", "second", f"{pg.url}?ApplicationName=prodi#notes")]
