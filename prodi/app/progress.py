"""Where a backfill, chain or sweep is: a live progress line in a terminal (rich), a log line per
job elsewhere (CI, Databricks task output, a file), each with the date, layer, jobs done and
left, the time elapsed and an ETA.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, TextIO

from loguru import logger

from prodi.runtime.platform import log_stream


class JobProgress:
    """`with JobProgress("backfill", 12) as p:` then `p.start(layer, date)` / `p.finish()` per job."""

    def __init__(self, what: str, total: int, stream: TextIO | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.what, self.total, self.clock = what, total, clock
        self.stream = stream if stream is not None else log_stream()
        self.live = _is_terminal(self.stream)
        self.done = 0
        self.started = clock()
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> JobProgress:
        self.started = self.clock()
        if self.live:
            self._bar = _live_bar(self.stream, self.clock)
            self._task = self._bar.add_task(self.what, total=self.total, left=self.total,
                                            eta=self.eta())
            self._bar.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def start(self, layer: str, date: str, skipped: str | None = None,
              label: str | None = None) -> None:
        """A job begins (or is skipped, with why); `label` names it (a sweep job's overrides)
        instead of its layer and date."""
        what = label or f"{layer} {date or 'all dates'}"
        if self._bar is not None:
            self._bar.update(self._task, description=label or f"{date or 'all dates'} {layer}")
            if skipped:
                logger.info("{} {}: skipped ({})", self.what, what, skipped)
            return
        left = self.total - self.done - 1
        logger.info("{} [{}/{}] {}: {} done, {} left after this; {} elapsed, ETA {}{}", self.what,
                    self.done + 1, self.total, what, self.done, left,
                    duration(self.clock() - self.started), self.eta(),
                    f" (skipped: {skipped})" if skipped else "")

    def finish(self) -> None:
        """The job that started last is done, whatever its outcome."""
        self.done += 1
        if self._bar is not None:
            self._bar.update(self._task, advance=1, left=self.total - self.done, eta=self.eta())

    def eta(self) -> str:
        """The time the jobs not done yet should take, at the pace of those done."""
        if not self.done:
            return "unknown"
        pace = (self.clock() - self.started) / self.done
        return duration(pace * (self.total - self.done))


def duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or fake stream
        return False


def _live_bar(stream: TextIO, clock: Callable[[], float]) -> Any:
    """rich's progress display on `stream`. It stands in for stdout and stderr while it runs, so
    the runs' log lines (and summaries) print above it instead of through it."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    # The ETA is prodi's own (the pace of the jobs done so far): rich's estimates speed over
    # the last 30 s only, and a backfill's jobs take minutes.
    return Progress(TextColumn("{task.description}"), BarColumn(bar_width=10),
                    MofNCompleteColumn(), TextColumn("· {task.fields[left]} left ·"),
                    TimeElapsedColumn(), TextColumn("elapsed · ETA {task.fields[eta]}"),
                    console=Console(file=stream), get_time=clock, refresh_per_second=2)
