"""Writes that lose a Delta conflict to a concurrent run: retried in place, or recognised and
described (which table, which run won it, what to do).

Delta commits optimistically: a write whose files another run changed since it read them fails
with a concurrent-modification error instead of committing. Only writes that recompute their
input from the table on every attempt are retried in place here, so a retry never applies stale
rows; a whole item is run again by the engine (`prodi.engine.runner`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from delta import exceptions as delta_errors
from loguru import logger
from tenacity import (
    RetryCallState,
    retry,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

T = TypeVar("T")
ATTEMPTS = 6
# Delta's Python classes for its commit conflicts share no base class of their own.
DELTA_CONFLICTS = tuple(getattr(delta_errors, name) for name in (
    "DeltaConcurrentModificationException", "ConcurrentWriteException", "MetadataChangedException",
    "ProtocolChangedException", "ConcurrentAppendException", "ConcurrentDeleteReadException",
    "ConcurrentDeleteDeleteException", "ConcurrentTransactionException"))
# Over Spark Connect, the same conflicts arrive as the client's own exception classes
# (SparkConnectGrpcException, ...): they are known by Delta's error class or Java class name.
CONFLICT_ERROR_CLASSES = (
    "DELTA_CONCURRENT_APPEND", "DELTA_CONCURRENT_DELETE_READ", "DELTA_CONCURRENT_DELETE_DELETE",
    "DELTA_CONCURRENT_TRANSACTION", "DELTA_CONCURRENT_WRITE", "DELTA_METADATA_CHANGED",
    "DELTA_PROTOCOL_CHANGED")
CONFLICT_JAVA_CLASSES = (
    "io.delta.exceptions.Concurrent", "io.delta.exceptions.MetadataChangedException",
    "io.delta.exceptions.ProtocolChangedException", "io.delta.exceptions.DeltaConcurrentModification",
    "org.apache.spark.sql.delta.DeltaConcurrentModificationException")


class ClaimTaken(Exception):
    """An exactly-once append made no commit: another run took in what it had read, after
    this run looked (see `prodi.io.delta_txn`)."""

    def __init__(self, location: str, version: int) -> None:
        self.location = location
        super().__init__(f"another run took in ingestion {version} of {location} first")


CONFLICTS = (*DELTA_CONFLICTS, ClaimTaken)


def is_conflict(exc: BaseException) -> bool:
    """Whether `exc` is a write losing to a concurrent run (not a fault of its own)."""
    return isinstance(exc, ClaimTaken) or is_delta_conflict(exc)


def is_delta_conflict(exc: BaseException) -> bool:
    """Whether `exc` is Delta's commit conflict: its Python class on classic Spark, its error
    class or Java class name in what Spark Connect's client raises."""
    if isinstance(exc, DELTA_CONFLICTS):
        return True
    condition = getattr(exc, "getCondition", None) or getattr(exc, "getErrorClass", None)
    try:
        error_class = str(condition() or "") if callable(condition) else ""
    except Exception:  # noqa: BLE001 - an exception without an error class
        error_class = ""
    if error_class.startswith(CONFLICT_ERROR_CLASSES):
        return True
    text = str(exc)
    return any(f"[{c}" in text for c in CONFLICT_ERROR_CLASSES) or \
        any(name in text for name in CONFLICT_JAVA_CLASSES)


def retry_on_conflict(write: Callable[[], T], table: str) -> T:
    """`write()`, again after a jittered, growing pause each time it loses a conflict on `table`;
    the last conflict is raised after `ATTEMPTS` tries."""

    def log(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        logger.warning("{}: a concurrent run committed first ({}); retrying, attempt {} of {}",
                       table, first_line(exc), state.attempt_number + 1, ATTEMPTS)

    return retry(retry=retry_if_exception(is_delta_conflict),
                 wait=wait_random_exponential(multiplier=0.5, max=8),
                 stop=stop_after_attempt(ATTEMPTS), before_sleep=log, reraise=True)(write)()


def first_line(exc: BaseException | None) -> str:
    """A conflict's first line, without Delta's advice about streaming checkpoints."""
    text = str(exc).strip().splitlines()[0] if exc is not None and str(exc).strip() else ""
    return text.split(": This error occurs", 1)[0][:300]


def latest_other_commit(spark: object, location: str, run_id: str) -> str:
    """The newest commit of `location` by anything but run `run_id`, as "<operation> by run <id>
    (version <n>, <time>)": who a lost conflict lost to, from the Delta history."""
    from prodi.io.delta_sql import history
    from prodi.model import commit_note

    try:
        rows = history(spark, location, 10)
    except Exception:  # noqa: BLE001 - the description is a courtesy; the conflict is the error
        return "a commit of another run"
    for row in rows:
        note = commit_note.decode(row["userMetadata"])
        if note is None or note["prodi_run"] != run_id:
            who = f"run {note['prodi_run']}" if note else "a writer other than prodi"
            return f"{row['operation']} by {who} (version {row['version']}, {row['timestamp']})"
    return "a commit of another run"
