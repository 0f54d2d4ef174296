"""One template runs every item of every layer: stages in order, timing, clean-up, the result.

Stages decide what happens to the rows; this decides what a run of an item looks like, so a
new layer or stage gets timing, caching clean-up, skips and results for free.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone

from loguru import logger

from prodi.engine import hooks
from prodi.engine.redo import run_with_redo
from prodi.engine.results import DatasetResult, check_conservation
from prodi.engine.session import RunSession
from prodi.plugins.run import StageRun
from prodi.stages.base import Stage
from prodi.stages.plan import ItemPlan


def run_items(session: RunSession, plans: Iterable[ItemPlan]) -> Iterator[DatasetResult]:
    """Run each planned item in order, yielding its result as soon as it is done."""
    for plan in plans:
        yield run_item(session, plan)


def run_item(session: RunSession, plan: ItemPlan) -> DatasetResult:
    with logger.contextualize(dataset=plan.item.name):  # on every log line of the item
        return _run_item(session, plan)


def _run_item(session: RunSession, plan: ItemPlan) -> DatasetResult:
    def new_run() -> StageRun:
        return StageRun(plan.item, session.spark, session.run_id, session.secrets)

    first = new_run()
    hooks.item_started(session, first)
    started, started_at = time.monotonic(), datetime.now(timezone.utc)
    pending = [first]  # the first attempt's run is the one observers were told about

    def new_attempt() -> StageRun:
        return pending.pop() if pending else new_run()

    result = run_with_redo(
        lambda run: _run_stages(session, run, plan, started, started_at), new_attempt,
        session.conflicts, lambda run, exc: hooks.item_finished(session, run, None, exc))
    if result.retries:
        result.warnings.append(f"retried {result.retries} time(s) after losing a write conflict "
                               "to a concurrent run")
    hooks.item_finished(session, first, result, None)
    return result


def _run_stages(session: RunSession, run: StageRun, plan: ItemPlan, started: float,
                started_at: datetime) -> DatasetResult:
    try:
        for stage in plan.stages:
            _announce(plan, stage)
            stage.run(run)
            hooks.stage_finished(session, run)
            if run.stopped:
                break
        run.succeed()
    finally:
        run.release()
    result = DatasetResult(
        layer=plan.item.layer.name, dataset=plan.item.name, target=run.target,
        rows_read=run.rows_read, rows_written=run.rows_written,
        rows_quarantined=run.rows_quarantined, rows_dropped=run.rows_dropped,
        rows_superseded=run.rows_superseded, failed_rules=_failing(run, "drop"),
        quarantined_rules=_failing(run, "quarantine"), warned_rules=_failing(run, "warn"),
        samples={r.name: r.samples for r in run.rules if r.samples}, warnings=run.warnings,
        duration_s=time.monotonic() - started, status=run.status, note=run.note,
        version_written=run.version_written, started_at=started_at)
    check_conservation(result)
    return result


def _announce(plan: ItemPlan, stage: Stage) -> None:
    """Say which stage an item is in: its first and last (it starts reading; it writes) at INFO,
    so a long stretch is always under a line naming the item, the ones between at DEBUG."""
    ends = (plan.stages[0], plan.stages[-1])
    logger.log("INFO" if stage in ends else "DEBUG", "{}/{}: {}…", plan.item.layer.name,
               plan.item.name, stage.name)


def _failing(run: StageRun, action: str) -> dict[str, int]:
    return {r.name: r.failed for r in run.rules if r.action == action and r.failed}
