"""An item run again, from its read, after its write lost a Delta conflict to a concurrent run.

Only an item whose sink says its write is idempotent given a fresh read (`Sink.redo_safe`) is
run again: the new attempt looks at its input afresh (what is new, which versions are up to
date), so it does only what the other run left, and ends as if it had run once. Otherwise,
or once the env's retries are spent, the run fails naming the table and the run that won.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from loguru import logger
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from prodi.io.conflicts import ClaimTaken, first_line, is_conflict, latest_other_commit
from prodi.model.errors import WriteConflictError
from prodi.plugins.run import StageRun

if TYPE_CHECKING:
    from prodi.engine.results import DatasetResult
    from prodi.model.schema.app import EnvConflictSpec


class LostConflict(Exception):
    """An attempt that lost a conflict and may run again (tenacity's signal to retry)."""

    def __init__(self, run: StageRun, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.run, self.cause = run, cause


def run_with_redo(attempt: Callable[[StageRun], DatasetResult], new_run: Callable[[], StageRun],
                  policy: EnvConflictSpec, on_failed: Callable[[StageRun, BaseException], None]
                  ) -> DatasetResult:
    """`attempt(new_run())`, again after a jittered, growing pause while it loses conflicts and
    may be redone; the result carries how many times it was run again."""
    runs: list[StageRun] = []

    def once() -> DatasetResult:
        run = new_run()
        runs.append(run)
        try:
            return attempt(run)
        except Exception as exc:
            if is_conflict(exc) and run.redo_safe:
                raise LostConflict(run, exc) from exc
            if is_conflict(exc):
                raise _conflict_error(run, exc, "its write can't be safely redone with a "
                                      "fresh read (see the sink's redo_safe)") from exc
            raise

    def log(state: RetryCallState) -> None:
        lost = state.outcome.exception() if state.outcome else None
        assert isinstance(lost, LostConflict)
        logger.warning("{}/{}: lost a write conflict to a concurrent run ({}); running the item "
                       "again from its read, retry {} of {}", lost.run.item.layer.name,
                       lost.run.item.name, _why(lost.cause), state.attempt_number,
                       policy.retries)

    retrying = Retrying(retry=retry_if_exception_type(LostConflict),
                        stop=stop_after_attempt(policy.retries + 1),
                        wait=wait_random_exponential(multiplier=policy.backoff_s,
                                                     max=policy.max_wait_s),
                        before_sleep=log, reraise=True)
    try:
        result = retrying(once)
    except LostConflict as lost:
        error = _conflict_error(lost.run, lost.cause,
                                f"it was run again {policy.retries} time(s) (env.conflicts.retries)")
        on_failed(lost.run, error)
        raise error from lost.cause
    except BaseException as exc:
        on_failed(runs[-1], exc)
        raise
    result.retries = len(runs) - 1
    return result


def _why(cause: BaseException) -> str:
    return str(cause) if isinstance(cause, ClaimTaken) else first_line(cause)


def _conflict_error(run: StageRun, cause: BaseException, why_not: str) -> WriteConflictError:
    item = f"{run.item.layer.name}/{run.item.name}"
    table = cause.location if isinstance(cause, ClaimTaken) else run.target
    winner = latest_other_commit(run.spark, table, run.run_id)
    return WriteConflictError(
        f"{item}: a concurrent run committed to {table} first ({winner}), and this run's write "
        f"lost the conflict ({_why(cause)}); {why_not}. Nothing of this item was committed. "
        f"Re-run it once the other run has finished (`prodi runs` lists the runs), or run "
        "such runs one after another.")
