"""Record numbers from per-split counts: a file read in several splits is numbered on."""

from __future__ import annotations

import pytest

from prodi.io.delivered import record_shifts


def order_id(split: int, row: int) -> int:
    return (split << 33) + row  # what Spark's monotonically_increasing_id gives


def test_a_file_in_two_splits_is_numbered_on_and_other_files_start_at_one():
    shifts = record_shifts([
        ("b.csv", 1, order_id(1, 0), 4),
        ("a.csv", 2, order_id(2, 0), 2),  # a's second split, in a later partition
        ("a.csv", 0, order_id(0, 0), 3),
        ("c.csv", 1, order_id(1, 4), 5),  # c follows b in partition 1
    ])
    # number = row index in the split + shift
    assert [r + shifts[("a.csv", 0)] for r in range(3)] == [1, 2, 3]
    assert [r + shifts[("a.csv", 2)] for r in range(2)] == [4, 5]
    assert [r + shifts[("b.csv", 1)] for r in range(4)] == [1, 2, 3, 4]
    assert [r + shifts[("c.csv", 1)] for r in range(4, 9)] == [1, 2, 3, 4, 5]


def test_no_records_no_shifts():
    assert record_shifts([]) == {}


@pytest.mark.spark
def test_files_read_in_many_splits_get_their_exact_line_numbers(spark_session, tmp_path):
    from pyspark.sql import functions as F

    from prodi.io.delivered import ORDER, read_delivery, split_of, with_record_numbers
    from prodi.io.landing import LandedFile
    from prodi.model.columns import RECORD_NUMBER, SOURCE_FILE

    files = []
    for name, rows in (("a_2026-01-01.csv", 900), ("b_2026-01-01.csv", 50)):
        path = tmp_path / name
        path.write_text("n,pad\n" + "".join(f"{i},{'x' * 20}\n" for i in range(1, rows + 1)))
        files.append(LandedFile(str(path), name, "2026-01-01", path.stat().st_size, 0))
    key = "spark.sql.files.maxPartitionBytes"
    previous = spark_session.conf.get(key)
    spark_session.conf.set(key, "4096")  # about 150 lines a split: a.csv is read in 7 of them
    try:
        records = read_delivery(spark_session, "csv", {"header": "true"}, files,
                                ["n", "pad"]).records.cache()
        stats = records.groupBy(SOURCE_FILE, split_of().alias("split")).agg(
            F.count(F.lit(1)).alias("n"), F.min(ORDER).alias("first")).collect()
        assert len(stats) > 3
        numbered = with_record_numbers(records, [(r[SOURCE_FILE], int(r["split"]),
                                                  int(r["first"]), int(r["n"])) for r in stats])
        wrong = numbered.where(F.col("n").cast("bigint") != F.col(RECORD_NUMBER)).count()
        assert wrong == 0 and numbered.count() == 950
    finally:
        spark_session.conf.set(key, previous)
