"""Delta tables by catalog name (`spark_catalog.<schema>.<table>`) in the session catalog: every
write mode through the catalog, the commit notes, time travel, the health checks and the
exactly-once claim at the location the catalog gives. Each test has a schema of its own, kept in
its tmp folder."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from prodi.io import delta_sql, delta_tables, delta_txn, table_health
from prodi.model import commit_note

pytestmark = pytest.mark.spark


@pytest.fixture
def schema(spark_session, tmp_path):
    name = f"spark_catalog.t_{uuid.uuid4().hex[:10]}"
    spark_session.sql(f"CREATE SCHEMA {name} LOCATION '{tmp_path / 'schema'}'")
    yield name
    spark_session.sql(f"DROP SCHEMA {name} CASCADE")


def _df(spark, rows, schema="day string, n int"):
    return spark.createDataFrame(rows, schema)


def _rows(spark, table) -> list[tuple]:
    return sorted(tuple(r) for r in spark.table(table).collect())


def _note(run: str) -> str:
    return commit_note.encode(run, "t", "item", {}, None)


def _notes(spark, table) -> list[str | None]:
    """The runs of the commits, oldest first."""
    rows = sorted(delta_sql.history(spark, table, 20), key=lambda r: r["version"])
    return [(commit_note.decode(r["userMetadata"]) or {}).get("prodi_run") for r in rows]


def test_the_first_write_creates_the_table_in_the_catalog_and_notes_its_commit(spark_session, schema):
    table = f"{schema}.silver_orders"
    m = delta_tables.overwrite(_df(spark_session, [("d1", 1), ("d2", 2)]), table, _note("r1"), ("day",))
    assert (m.rows_written, m.version) == (2, 0)
    assert spark_session.catalog.tableExists(table)
    detail = delta_sql.detail(spark_session, table)
    assert detail["partitionColumns"] == ["day"]
    # A managed table: its files are in the schema's folder, under the table's name.
    assert detail["location"].rstrip("/").endswith("/schema/silver_orders")
    assert _notes(spark_session, table) == ["r1"]


def test_every_write_mode_by_name_gives_what_it_gives_by_path(spark_session, schema, tmp_path):
    for table in (f"{schema}.modes", str(tmp_path / "modes")):
        delta_tables.overwrite(_df(spark_session, [("d1", 1), ("d2", 2)]), table, _note("a"), ("day",))
        delta_tables.overwrite(_df(spark_session, [("d2", 3)]), table, _note("b"), ("day",),
                               replace_where="day = 'd2'")
        delta_tables.replace_partitions(_df(spark_session, [("d1", 4), ("d3", 5)]), table,
                                        _note("c"), ("day",))
        wider = _df(spark_session, [("d4", 6, "x")], "day string, n int, extra string")
        appended = delta_tables.append(wider, table, _note("d"))
        assert appended.rows_written == 1
        read = sorted(tuple(r) for r in delta_tables.read(spark_session, table).collect())
        assert read == [("d1", 4, None), ("d2", 3, None), ("d3", 5, None), ("d4", 6, "x")], table
        first = sorted(tuple(r) for r in delta_tables.read(spark_session, table, version=0).collect())
        assert first == [("d1", 1), ("d2", 2)], table
        assert _notes(spark_session, table) == ["a", "b", "c", "d"], table
    replaced = delta_tables.overwrite(_df(spark_session, [(7,)], "m int"), f"{schema}.modes", _note("e"))
    assert replaced.rows_written == 1 and _rows(spark_session, f"{schema}.modes") == [(7,)]


def test_merge_by_name_upserts_newer_rows(spark_session, schema):
    table, shape = f"{schema}.merged", "id string, seq int, v string"
    delta_tables.merge(_df(spark_session, [("a", 1, "old"), ("b", 1, "b")], shape), table, _note("m1"),
                       ("id",), "seq")
    m = delta_tables.merge(_df(spark_session, [("a", 2, "new"), ("b", 0, "stale")], shape), table,
                           _note("m2"), ("id",), "seq")
    assert (m.operation, m.rows_written, m.rows_skipped) == ("MERGE", 1, 1)
    assert _rows(spark_session, table) == [("a", 2, "new"), ("b", 1, "b")]
    assert _notes(spark_session, table) == ["m1", "m2"]


def test_an_idempotent_append_by_name_commits_once(spark_session, schema):
    table = f"{schema}.raw_orders"
    assert delta_txn.app_version(spark_session, table) is None
    claim = delta_txn.claim(spark_session, table)
    for _ in range(2):  # the second one finds the claim taken and commits nothing
        delta_tables.append(_df(spark_session, [("d1", 1)]), table, _note("i"), txn=claim.txn)
    assert _rows(spark_session, table) == [("d1", 1)]
    assert delta_txn.app_version(spark_session, table) == claim.version == 0


def test_health_is_checked_at_the_location_the_catalog_gives(spark_session, schema):
    table = f"{schema}.checked"
    assert table_health.inspect(spark_session, table).status == "missing"
    assert not delta_tables.exists(spark_session, table)
    delta_tables.overwrite(_df(spark_session, [("d1", 1)]), table, _note("h1"))
    delta_tables.append(_df(spark_session, [("d2", 2)]), table, _note("h2"))
    state = table_health.inspect(spark_session, table)
    assert (state.status, state.version, state.name, state.table) == ("ok", 1, table, table)
    location = Path(delta_sql.storage_location(spark_session, table).removeprefix("file:"))
    (location / "_delta_log" / f"{1:020d}.json").write_bytes(b"")  # the latest commit, truncated
    with pytest.raises(table_health.TableStateError) as failure:
        delta_tables.read(spark_session, table)
    message = str(failure.value)
    assert message.startswith(f"Delta table {table} is corrupt: its latest commit file")
    assert f"RESTORE TABLE {delta_sql.table_ref(table)} TO VERSION AS OF 0" in message


def test_a_missing_schema_is_created_by_the_first_write(spark_session, tmp_path):
    schema = f"spark_catalog.new_{uuid.uuid4().hex[:10]}"
    assert not spark_session.catalog.databaseExists(schema)
    try:
        delta_tables.append(_df(spark_session, [("d1", 1)]), f"{schema}.t", _note("s"))
        assert spark_session.catalog.databaseExists(schema)
        assert _rows(spark_session, f"{schema}.t") == [("d1", 1)]
    finally:
        spark_session.sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
