"""Storage faults found in Spark's exception chain: the cause in the operating system's words,
the path and the operation, in one paragraph. No Spark: the chains are the texts Spark 3.5 and
Delta 3.3 raise (trimmed of their stack frames)."""

from __future__ import annotations

import pytest

from prodi.app.failure import RUN_EXIT, describe_failure, storage_fault
from prodi.app.storage_faults import StorageFault, classify, doing

TASK_FAILED = ("org.apache.spark.SparkException: Job aborted due to stage failure: Task 0 in "
               "stage 52.0 failed 1 times, most recent failure: Lost task 0.0 in stage 52.0 (TID "
               "44) (192.0.2.2 executor driver): org.apache.spark.SparkException: "
               "[TASK_WRITE_FAILED] Task failed while writing rows to file:/lh/silver/orders.")


class Py4JJavaError(Exception):
    """Stands in for Py4J's: its text is the JVM's stack trace (no JVM here)."""


def _java(*causes: str) -> Py4JJavaError:
    frames = "\n\tat org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages(x.scala:1)"
    text = "An error occurred while calling o231.save.\n: " + TASK_FAILED + frames
    for cause in causes:
        text += f"\nCaused by: {cause}{frames}\n\t... 12 more"
    return Py4JJavaError(text)


def test_a_full_disk_names_the_cause_the_table_and_that_it_was_writing():
    exc = _java("org.apache.spark.SparkException: [TASK_WRITE_FAILED] Task failed while writing "
                "rows to file:/lh/silver/orders.", "java.io.IOException: No space left on device")
    fault = storage_fault(exc, ("silver", "orders", "/lh/silver/orders"))
    assert fault is not None
    assert fault.fault == StorageFault("No space left on device", "/lh/silver/orders", True,
                                       fault.fault.advice)
    message = describe_failure(fault).message
    assert message.startswith("Storage failure writing silver table /lh/silver/orders: No space "
                              "left on device. Fix it and run the same command again: free space")
    assert "\n" not in message and "at org.apache" not in message
    assert describe_failure(fault).exit_code == RUN_EXIT


def test_a_read_only_folder_names_the_file_it_could_not_create():
    part = "/lh/silver/orders/order_date=2026-01-01/part-00000-dec0.c000.snappy.parquet"
    exc = _java(f"java.io.FileNotFoundException: {part} (Permission denied)")
    failure = describe_failure(storage_fault(exc, ("silver", "orders", "/lh/silver/orders")))
    assert failure.message.startswith(
        f"Storage failure writing silver table /lh/silver/orders: Permission denied ({part}). "
        "Fix it and run the same command again: give the user running prodi")


@pytest.mark.parametrize(("cause", "expected", "path"), [
    ("java.io.FileNotFoundException: /lh/raw/orders/_delta_log/00000000000000000003.json "
     "(Read-only file system)", "Read-only file system",
     "/lh/raw/orders/_delta_log/00000000000000000003.json"),
    ("java.nio.file.AccessDeniedException: /lh/raw/orders/_delta_log", "Permission denied",
     "/lh/raw/orders/_delta_log"),
    ("java.io.IOException: Disk quota exceeded", "Disk quota exceeded", "/lh/silver/orders"),
])
def test_each_cause_in_the_operating_systems_words_with_its_path(cause, expected, path):
    fault = classify(["Py4JJavaError: An error occurred while calling o1.save.", TASK_FAILED,
                      f"Caused by: {cause}"])
    assert fault is not None
    assert fault.cause.startswith(expected)
    assert fault.path == path
    assert fault.writing


MKDIRS = ("Caused by: java.io.IOException: Mkdirs failed to create file:{}/_landed_date=2026-01-02 "
          "(exists=false, cwd=file:/work)")


def test_a_folder_hadoop_could_not_create_is_asked_why(tmp_path, monkeypatch):
    table = tmp_path / "raw" / "orders"
    table.mkdir(parents=True)
    messages = [TASK_FAILED, MKDIRS.format(table)]
    fault = classify(messages)  # nothing wrong with the folder now: Hadoop's words
    assert fault is not None and fault.cause.startswith("could not create a folder")
    assert fault.path == f"{table}/_landed_date=2026-01-02"
    # A folder this process may not write to (a read-only folder, as root without its override).
    monkeypatch.setattr("prodi.app.storage_faults._writable", lambda folder: folder != table)
    fault = classify(messages)
    assert fault is not None and fault.cause == "Permission denied" and fault.writing


def test_a_read_names_the_folder_outside_the_table_and_the_item():
    fault = classify(["java.io.FileNotFoundException: /lh/landing/orders/orders_2026-01-01.csv "
                      "(Permission denied)"])
    assert fault is not None and not fault.writing
    assert doing(fault, "raw", "orders", "/lh/raw/orders") == \
        "reading /lh/landing/orders (in raw/orders)"


def test_other_failures_are_not_storage_faults():
    assert classify(["org.apache.spark.sql.AnalysisException: [UNRESOLVED_COLUMN] amount"]) is None
    exc = _java("java.lang.ArithmeticException: divide by zero")
    assert storage_fault(exc) is None
    assert not describe_failure(exc).message.startswith("Storage failure")


def test_an_error_raised_while_handling_a_storage_fault_is_not_that_fault():
    try:
        try:
            raise _java("java.io.IOException: No space left on device")
        except Py4JJavaError:
            raise RuntimeError("the ledger table is locked") from None
    except RuntimeError as exc:
        assert storage_fault(exc) is None
    try:
        try:
            raise _java("java.io.IOException: No space left on device")
        except Py4JJavaError:
            raise RuntimeError("the ledger table is locked")  # noqa: B904 - context, not cause
    except RuntimeError as exc:
        assert storage_fault(exc) is None
