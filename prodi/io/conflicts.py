"""Writes that lose a Delta conflict to a concurrent run, retried.

Delta commits optimistically: a write whose files another run changed since it read them fails
with a concurrent-modification error instead of committing. Only writes that recompute their
input from the table on every attempt are retried here, so a retry never applies stale rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from delta import exceptions as delta_errors
from loguru import logger
from tenacity import (
    RetryCallState,
    retry,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

T = TypeVar("T")
ATTEMPTS = 6
# Delta's Python classes for its commit conflicts share no base class of their own.
CONFLICTS = tuple(getattr(delta_errors, name) for name in (
    "DeltaConcurrentModificationException", "ConcurrentWriteException", "MetadataChangedException",
    "ProtocolChangedException", "ConcurrentAppendException", "ConcurrentDeleteReadException",
    "ConcurrentDeleteDeleteException", "ConcurrentTransactionException"))


def retry_on_conflict(write: Callable[[], T], table: str) -> T:
    """`write()`, again after a jittered, growing pause each time it loses a conflict on `table`;
    the last conflict is raised after `ATTEMPTS` tries."""

    def log(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        first = str(exc).splitlines()[0] if exc else ""
        logger.warning("{}: a concurrent run committed first ({}); retrying, attempt {} of {}",
                       table, first, state.attempt_number + 1, ATTEMPTS)

    return retry(retry=retry_if_exception_type(CONFLICTS),
                 wait=wait_random_exponential(multiplier=0.5, max=8),
                 stop=stop_after_attempt(ATTEMPTS), before_sleep=log, reraise=True)(write)()
