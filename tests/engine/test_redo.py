"""Items redone after a lost write conflict: how often, when not, and what the failure says."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from prodi.engine.redo import run_with_redo
from prodi.engine.results import DatasetResult
from prodi.io.conflicts import ClaimTaken
from prodi.model.errors import WriteConflictError
from prodi.model.schema.app import EnvConflictSpec
from prodi.plugins.run import StageRun

POLICY = EnvConflictSpec(retries=2, backoff_s=0.0, max_wait_s=0.0)


def _new_run() -> StageRun:
    item = SimpleNamespace(layer=SimpleNamespace(name="raw"), name="orders")
    return StageRun(item, spark=None, run_id="r1", secrets=None)  # type: ignore[arg-type]


def _attempts(*outcomes: object, redo_safe: bool = True):
    """An attempt that, the n-th time, raises or returns the n-th outcome."""
    left = list(outcomes)
    seen: list[StageRun] = []

    def attempt(run: StageRun) -> DatasetResult:
        seen.append(run)
        run.redo_safe = redo_safe
        outcome = left.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome  # type: ignore[return-value]

    return attempt, seen


def _done() -> DatasetResult:
    return DatasetResult(layer="raw", dataset="orders", target="/t")


def test_a_lost_claim_is_redone_with_a_fresh_run_and_counted():
    attempt, seen = _attempts(ClaimTaken("/t", 3), ClaimTaken("/t", 4), _done())
    failed: list[object] = []
    result = run_with_redo(attempt, _new_run, POLICY, lambda run, exc: failed.append(exc))
    assert result.retries == 2
    assert len({id(run) for run in seen}) == 3  # each attempt starts from its read
    assert failed == []


def test_retries_spent_fail_naming_the_table_and_the_policy():
    attempt, _ = _attempts(*[ClaimTaken("/lake/raw/orders", v) for v in range(3)])
    failed: list[BaseException] = []
    with pytest.raises(WriteConflictError) as info:
        run_with_redo(attempt, _new_run, POLICY, lambda run, exc: failed.append(exc))
    text = str(info.value)
    assert text.startswith("raw/orders: a concurrent run committed to /lake/raw/orders first")
    assert "run again 2 time(s) (env.conflicts.retries)" in text
    assert "Nothing of this item was committed" in text
    assert failed == [info.value]


def test_a_write_that_cannot_be_redone_fails_at_once():
    attempt, seen = _attempts(ClaimTaken("/t", 1), _done(), redo_safe=False)
    with pytest.raises(WriteConflictError, match="can't be safely redone"):
        run_with_redo(attempt, _new_run, POLICY, lambda run, exc: None)
    assert len(seen) == 1


def test_other_failures_pass_through_unchanged():
    boom = ValueError("boom")
    attempt, seen = _attempts(boom, _done())
    failed: list[BaseException] = []
    with pytest.raises(ValueError) as info:
        run_with_redo(attempt, _new_run, POLICY, lambda run, exc: failed.append(exc))
    assert info.value is boom and failed == [boom] and len(seen) == 1
