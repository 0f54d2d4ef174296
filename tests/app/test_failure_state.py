"""Lost write conflicts and corrupt table state, each one paragraph with exit code 1."""

from __future__ import annotations

from prodi.app.failure import RUN_EXIT, describe_failure
from prodi.io.table_health import TableStateError
from prodi.model.errors import WriteConflictError


def test_a_lost_conflict_keeps_its_paragraph():
    exc = WriteConflictError("silver/orders: a concurrent run committed to /lh/silver/orders "
                             "first (MERGE by run r2 (version 4, 2026-12-02 08:00:00)) ...")
    failure = describe_failure(exc)
    assert failure.exit_code == RUN_EXIT
    assert failure.message == f"Write conflict: {exc}"


def test_a_corrupt_table_is_named_with_its_repair():
    exc = TableStateError("/lh/silver/orders", "corrupt", "its latest commit is empty",
                          "Restore the previous version")
    failure = describe_failure(exc)
    assert failure.exit_code == RUN_EXIT
    assert failure.message == ("Table state: Delta table /lh/silver/orders is corrupt: its latest "
                               "commit is empty. Restore the previous version")


def test_a_data_file_spark_could_not_find_names_its_table():
    text = ("An error occurred while calling o88.collectToPython.\n: org.apache.spark.SparkException"
            ": Job aborted: java.io.FileNotFoundException: File file:/lh/silver/orders/part-0001-"
            "a.snappy.parquet does not exist\n\tat org.apache.hadoop.fs.RawLocalFileSystem.x(y:1)")
    failure = describe_failure(type("Py4JJavaError", (Exception,), {})(text))
    assert failure.message.startswith("Table state: Delta table /lh/silver/orders")
    assert "FSCK REPAIR TABLE" in failure.message or "RESTORE" in failure.message
