"""Delta's commit conflicts known as such whichever way they arrive: Delta's Python classes on
classic Spark, Spark Connect's client exceptions (by error class, or Java class in the text)."""

from __future__ import annotations

import pytest
from pyspark.errors.exceptions.connect import SparkConnectGrpcException

from prodi.io import conflicts


class _WithCondition(SparkConnectGrpcException):
    """What PySpark 4's Connect client raises: the error class from the server's metadata."""

    def __init__(self, message: str, condition: str) -> None:
        super().__init__(message=message)
        self._condition = condition

    def getErrorClass(self) -> str:  # noqa: N802 - PySpark's name
        return self._condition

    getCondition = getErrorClass  # noqa: N815


CONNECT_CONFLICTS = [
    SparkConnectGrpcException(message="[DELTA_CONCURRENT_APPEND.WITH_PARTITION_HINT] "
                              "ConcurrentAppendException: Files were added to partition [d=1] "
                              "by a concurrent update. Please try the operation again."),
    SparkConnectGrpcException(message="(io.delta.exceptions.ConcurrentTransactionException) "
                              "This error occurs when multiple streaming queries are using the "
                              "same checkpoint"),
    _WithCondition("The metadata of the Delta table has been changed by a concurrent update.",
                   "DELTA_METADATA_CHANGED"),
]


@pytest.mark.parametrize("exc", CONNECT_CONFLICTS, ids=["error-class-text", "java-class", "condition"])
def test_a_conflict_over_connect_is_a_conflict_and_retried(exc: Exception) -> None:
    assert conflicts.is_conflict(exc)
    attempts = []

    def write() -> str:
        attempts.append(1)
        if len(attempts) == 1:
            raise exc
        return "committed"

    assert conflicts.retry_on_conflict(write, "/lh/t") == "committed"
    assert len(attempts) == 2


def test_other_failures_are_not_conflicts_and_not_retried() -> None:
    other = [SparkConnectGrpcException(message="[DELTA_MISSING_DELTA_TABLE] not a Delta table"),
             _WithCondition("Column x not found", "UNRESOLVED_COLUMN.WITH_SUGGESTION"),
             RuntimeError("ConcurrentModificationException in a Java HashMap")]
    assert not any(conflicts.is_conflict(e) for e in other)
    attempts = []

    def write() -> None:
        attempts.append(1)
        raise other[0]

    with pytest.raises(SparkConnectGrpcException):
        conflicts.retry_on_conflict(write, "/lh/t")
    assert len(attempts) == 1


def test_an_exactly_once_claim_taken_is_a_conflict() -> None:
    assert conflicts.is_conflict(conflicts.ClaimTaken("/lh/raw/orders", 3))
