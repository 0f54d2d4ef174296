"""Item observers: told when each item of a run starts, after each of its stages, and how it
ended (OpenLineage events, a signal stopping the run between stages).

The engine knows only this interface; the app opens the run's session with the observers the
command wants (`RunSession.observers`). An observer that raises is logged as a warning and never
changes the run; only a `BaseException` that is not an `Exception` (an interrupt) stops it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from loguru import logger

if TYPE_CHECKING:
    from prodi.engine.results import DatasetResult
    from prodi.engine.session import RunSession
    from prodi.plugins.run import StageRun


class ItemObserver(Protocol):
    def item_started(self, session: RunSession, run: StageRun) -> None:
        """Before the item's first stage."""

    def stage_finished(self, session: RunSession, run: StageRun) -> None:
        """After each stage of the item (optional)."""

    def item_finished(self, session: RunSession, run: StageRun, result: DatasetResult | None,
                      error: BaseException | None) -> None:
        """After it: its result, or the error it failed with (then `result` is None)."""


def item_started(session: RunSession, run: StageRun) -> None:
    for observer in session.observers:
        _call(observer, "item_started", session, run)


def stage_finished(session: RunSession, run: StageRun) -> None:
    for observer in session.observers:
        if hasattr(observer, "stage_finished"):
            _call(observer, "stage_finished", session, run)


def item_finished(session: RunSession, run: StageRun, result: DatasetResult | None,
                  error: BaseException | None) -> None:
    for observer in session.observers:
        _call(observer, "item_finished", session, run, result, error)


def _call(observer: ItemObserver, method: str, *args: object) -> None:
    try:
        getattr(observer, method)(*args)
    except Exception as exc:  # noqa: BLE001 - an observer never changes a run
        logger.warning("{} {} failed, the run goes on: {}: {}", type(observer).__name__, method,
                       type(exc).__name__, exc)
