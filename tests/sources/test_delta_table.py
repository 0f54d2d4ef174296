"""The `delta_table` source: another Delta table's Change Data Feed feeding a merge with deletes."""

from __future__ import annotations

from pathlib import Path

import pytest

import prodi.io.delta_tables as delta_tables
from prodi.cli.main import main

PIPELINE = """\
name: feed
datasets:
  items:
    raw: {source: {type: delta_table, path: "SOURCE", read: changes}}
    bronze:
      columns:
        - {name: id, type: string}
        - {name: name, type: string}
        - {name: qty, type: int}
        - {name: _change_type, type: string}
        - {name: _commit_version, type: bigint}
    silver:
      keys: [id]
      sequence_by: _commit_version
      sink: {type: merge, apply_as_deletes: "_change_type = 'delete'"}
"""


def _versions(spark, location: Path) -> list[int]:
    return [r["version"] for r in spark.sql(f"DESCRIBE HISTORY delta.`{location}`").collect()]


def _chain(conf: Path, *overrides: str) -> None:
    main(["run-layer", "layer=raw,bronze,silver", "--config-dir", str(conf), "pipeline=feed",
          *overrides])


@pytest.mark.spark
def test_changes_feed_a_merge_with_deletes(spark_session, isolated_run: Path) -> None:
    spark = spark_session
    source = isolated_run / "shop_items"
    conf = isolated_run / "conf"
    (conf / "pipeline").mkdir(parents=True)
    (conf / "pipeline" / "feed.yaml").write_text(PIPELINE.replace("SOURCE", str(source)))
    table = f"delta.`{source}`"
    spark.createDataFrame([("a", "apple", 1), ("b", "bean", 2), ("c", "corn", 3)],
                          "id string, name string, qty int").write.format("delta") \
        .option("delta.enableChangeDataFeed", "true").save(str(source))  # version 0
    lh = isolated_run / "lakehouse"
    silver = lambda: sorted(tuple(r) for r in spark.read.format("delta").load(  # noqa: E731
        str(lh / "silver" / "items")).select("id", "name", "qty").collect())

    _chain(conf)  # the first run: the snapshot at version 0, as inserts
    assert silver() == [("a", "apple", 1), ("b", "bean", 2), ("c", "corn", 3)]
    raw_versions = _versions(spark, lh / "raw" / "items")

    # version 1 updates b, deletes c and inserts d; version 2 updates d again
    spark.sql(f"""MERGE INTO {table} t USING (SELECT * FROM VALUES ('b', 'broad bean', 20, 'U'),
                  ('c', NULL, NULL, 'D'), ('d', 'date', 4, 'I') v(id, name, qty, op)) s
                  ON t.id = s.id
                  WHEN MATCHED AND s.op = 'D' THEN DELETE
                  WHEN MATCHED THEN UPDATE SET name = s.name, qty = s.qty
                  WHEN NOT MATCHED THEN INSERT (id, name, qty) VALUES (s.id, s.name, s.qty)""")
    spark.sql(f"UPDATE {table} SET qty = 40 WHERE id = 'd'")

    # a run that fails before raw commits doesn't move the mark: the next run reads v1-2 again
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(delta_tables, "append", _fail)
        with pytest.raises(SystemExit):
            main(["run-layer", "layer=raw", "--config-dir", str(conf), "pipeline=feed"])
    assert _versions(spark, lh / "raw" / "items") == raw_versions

    _chain(conf)
    assert silver() == [("a", "apple", 1), ("b", "broad bean", 20), ("d", "date", 40)]
    raw = spark.read.format("delta").load(str(lh / "raw" / "items")).collect()
    landed = sorted((r["id"], r["qty"], r["_change_type"], r["_commit_version"]) for r in raw)
    assert landed == [("a", "1", "insert", "0"), ("b", "2", "insert", "0"),
                      ("b", "20", "update_postimage", "1"), ("c", "3", "delete", "1"),
                      ("c", "3", "insert", "0"), ("d", "4", "insert", "1"),
                      ("d", "40", "update_postimage", "2")]  # no pre-images, nothing twice
    assert {r["_source_file"] for r in raw} == {f"{source}@v0", f"{source}@v1-2"}

    # nothing new at the source: raw commits nothing (and so nothing above it has new input)
    raw_versions = _versions(spark, lh / "raw" / "items")
    main(["run-layer", "layer=raw", "--config-dir", str(conf), "pipeline=feed"])
    assert _versions(spark, lh / "raw" / "items") == raw_versions


def _fail(*args: object, **kwargs: object) -> None:
    raise OSError("the disk is gone")


@pytest.mark.spark
def test_changes_without_the_feed_say_what_to_do(spark_session, isolated_run: Path, capfd) -> None:
    spark = spark_session
    source = isolated_run / "no_cdf"
    conf = isolated_run / "conf"
    (conf / "pipeline").mkdir(parents=True)
    (conf / "pipeline" / "feed.yaml").write_text(
        PIPELINE.replace("SOURCE", str(source)).replace("read: changes",
                                                        "read: changes, starting_version: 0"))
    spark.sql(f"CREATE TABLE delta.`{source}` (id STRING, name STRING, qty INT) USING delta")
    spark.sql(f"INSERT INTO delta.`{source}` VALUES ('a', 'apple', 1)")
    capfd.readouterr()
    with pytest.raises(SystemExit):
        main(["run-layer", "layer=raw", "--config-dir", str(conf), "pipeline=feed"])
    err = capfd.readouterr().err
    assert f"Change Data Feed of {source} can't give versions 0 to 1" in err
    assert "pipeline.datasets.items.raw.source.read" in err and "run.full_refresh=true" in err


def test_options_are_checked_before_any_jvm(isolated_run: Path, capfd) -> None:
    conf = isolated_run / "conf" / "pipeline"
    conf.mkdir(parents=True)
    (conf / "feed.yaml").write_text(PIPELINE.replace(
        'path: "SOURCE", read: changes',
        'path: /x, table: "a b", read: snapshot, starting_version: -1'))
    with pytest.raises(SystemExit) as exc:
        main(["run-layer", "layer=raw", "dry_run=true", "--config-dir", str(conf.parent),
              "pipeline=feed"])
    assert exc.value.code == 2
    err = capfd.readouterr().err
    source = "pipeline.datasets.items.raw.source"
    assert f"{source}: expected exactly one of `path`" in err and "got both" in err
    assert f"{source}.table: expected a table name such as catalog.schema.name, got 'a b'" in err
    assert f"{source}.starting_version: expected no starting_version with read: snapshot" in err
