"""Item observers: told when each item of a run starts and how it ended (OpenLineage events).

The engine knows only this interface; the app installs the observers a command wants. An
observer that raises is logged as a warning and never changes the run.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from loguru import logger

if TYPE_CHECKING:
    from prodi.engine.results import DatasetResult
    from prodi.engine.session import RunSession
    from prodi.plugins.run import StageRun


class ItemObserver(Protocol):
    def item_started(self, session: RunSession, run: StageRun) -> None:
        """Before the item's first stage."""

    def item_finished(self, session: RunSession, run: StageRun, result: DatasetResult | None,
                      error: BaseException | None) -> None:
        """After it: its result, or the error it failed with (then `result` is None)."""


_observers: list[ItemObserver] = []


def observe_items(observers: Iterable[ItemObserver]) -> None:
    """Replace the observers of this process's item runs (none: `observe_items([])`)."""
    _observers[:] = list(observers)


def item_started(session: RunSession, run: StageRun) -> None:
    for observer in list(_observers):
        _call(observer, "item_started", session, run)


def item_finished(session: RunSession, run: StageRun, result: DatasetResult | None,
                  error: BaseException | None) -> None:
    for observer in list(_observers):
        _call(observer, "item_finished", session, run, result, error)


def _call(observer: ItemObserver, method: str, *args: object) -> None:
    try:
        getattr(observer, method)(*args)
    except Exception as exc:  # noqa: BLE001 - an observer never changes a run
        logger.warning("{} {} failed, the run goes on: {}: {}", type(observer).__name__, method,
                       type(exc).__name__, exc)
