"""Delta operations as SQL: how tables are named, MERGE text, and (on Spark) what a MERGE leaves
behind, DESCRIBE DETAIL of things that are no Delta table, DESCRIBE HISTORY's order."""

from __future__ import annotations

import pytest

from prodi.io import delta_sql, delta_tables


def test_a_location_is_quoted_as_a_delta_path_and_a_name_part_by_part():
    assert delta_sql.table_ref("/lh/silver/orders") == "delta.`/lh/silver/orders`"
    assert delta_sql.table_ref("s3a://b/weird`name") == "delta.`s3a://b/weird``name`"
    assert delta_sql.table_ref("main.sales.silver_orders") == "`main`.`sales`.`silver_orders`"
    assert delta_sql.table_ref("silver_orders") == "`silver_orders`"


def test_merge_text_keeps_clause_order_null_safe_keys_and_newer_wins():
    text = delta_sql.merge_sql("/lh/t", "prodi_source_1", delta_sql.null_safe_on(["id", "a`b"]), [
        delta_sql.when_matched_delete("s.op = 'delete'"),
        delta_sql.when_matched_update({"x": "s.`x`"}, delta_sql.newer(["seq", "file"])),
        delta_sql.when_matched_update_all(),
        delta_sql.when_not_matched_insert({"x": "s.`x`", "id": "s.`id`"}, "s.op = 'upsert'"),
        delta_sql.when_not_matched_insert_all()])
    assert text.splitlines() == [
        "MERGE INTO delta.`/lh/t` AS t",
        "USING `prodi_source_1` AS s",
        "ON t.`id` <=> s.`id` AND t.`a``b` <=> s.`a``b`",
        "WHEN MATCHED AND (s.op = 'delete') THEN DELETE",
        "WHEN MATCHED AND (struct(s.`seq`, s.`file`) > struct(t.`seq`, t.`file`)) "
        "THEN UPDATE SET t.`x` = s.`x`",
        "WHEN MATCHED THEN UPDATE SET *",
        "WHEN NOT MATCHED AND (s.op = 'upsert') THEN INSERT (`x`, `id`) VALUES (s.`x`, s.`id`)",
        "WHEN NOT MATCHED THEN INSERT *"]


@pytest.mark.spark
def test_merge_drops_its_source_view_even_when_it_fails(spark_session, tmp_path):
    location = str(tmp_path / "t")
    rows = spark_session.createDataFrame([(1, "a"), (None, "n")], "id INT, v STRING")
    delta_tables.overwrite(rows, location, "first")
    views = lambda: {t.name for t in spark_session.catalog.listTables() if t.isTemporary}  # noqa: E731
    before = views()
    update = spark_session.createDataFrame([(None, "N"), (2, "b"), (1, "a")], "id INT, v STRING")
    delta_sql.merge(update, location, delta_sql.null_safe_on(["id"]), [
        delta_sql.when_matched_update_all("s.v <> t.v"), delta_sql.when_not_matched_insert_all()])
    assert sorted(map(tuple, delta_tables.read(spark_session, location).collect()),
                  key=str) == sorted([(1, "a"), (2, "b"), (None, "N")], key=str)
    with pytest.raises(Exception, match="no_such_column"):
        delta_sql.merge(update, location, "t.no_such_column = s.id",
                        [delta_sql.when_not_matched_insert_all()])
    assert views() == before


@pytest.mark.spark
def test_detail_is_none_where_no_delta_table_is_and_history_is_newest_first(spark_session,
                                                                           tmp_path):
    assert delta_sql.detail(spark_session, str(tmp_path / "nothing")) is None
    spark_session.range(2).write.parquet(str(tmp_path / "plain"))
    assert delta_sql.detail(spark_session, str(tmp_path / "plain")) is None
    location = str(tmp_path / "t")
    for note in ("one", "two", "three"):
        delta_tables.append(spark_session.range(1), location, note)
    assert delta_sql.detail(spark_session, location)["format"] == "delta"
    assert [(r["version"], r["userMetadata"]) for r in delta_sql.history(spark_session, location, 2)
            ] == [(2, "three"), (1, "two")]
