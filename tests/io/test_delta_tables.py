"""Delta writes by mode on real tables: partition replace, and MERGE's newer-wins order."""

from __future__ import annotations

import pytest

from prodi.io import delta_tables

pytestmark = pytest.mark.spark
SCHEMA = "id string, seq int, v string, _landed_date string, _source_file string, _record_number bigint"
ARRIVAL = ("_landed_date", "_source_file", "_record_number")


def _rows(spark, path) -> list[tuple]:
    return sorted(tuple(r) for r in spark.read.format("delta").load(str(path)).collect())


def test_replace_partitions_replaces_only_the_partitions_written(spark_session, tmp_path):
    df = lambda rows: spark_session.createDataFrame(rows, "day string, n int")  # noqa: E731
    delta_tables.overwrite(df([("d1", 1), ("d2", 2), ("d2", 3)]), str(tmp_path), "a", ("day",))
    m = delta_tables.replace_partitions(df([("d2", 4), ("d3", 5)]), str(tmp_path), "b", ("day",))
    assert (m.rows_written, m.rows_in) == (2, 2)
    assert _rows(spark_session, tmp_path) == [("d1", 1), ("d2", 4), ("d3", 5)]


def test_merge_at_one_sequence_value_keeps_the_later_arrival_in_either_order(spark_session, tmp_path):
    early = ("k", 1, "early", "2026-01-01", "f1.csv", 1)
    late = ("k", 1, "late", "2026-01-02", "f2.csv", 1)
    older = ("k", 0, "older", "2026-01-03", "f3.csv", 1)
    for order, path in (((early, late, older), tmp_path / "a"), ((late, older, early), tmp_path / "b")):
        for row in order:
            delta_tables.merge(spark_session.createDataFrame([row], SCHEMA), str(path), "n", ("id",),
                               "seq", arrival=ARRIVAL)
        assert [r[2] for r in _rows(spark_session, path)] == ["late"], order
