"""Backfill/sweep progress without Spark: a live line in a terminal, plain log lines elsewhere."""

from __future__ import annotations

import io
import re

import pytest
from loguru import logger

from prodi.app.progress import JobProgress


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def logged():
    lines: list[str] = []
    sink = logger.add(lines.append, level="INFO", format="{message}")
    yield lines
    logger.remove(sink)


def _three_jobs(stream: io.StringIO, clock: Clock) -> None:
    with JobProgress("backfill", 3, stream=stream, clock=clock) as progress:
        for layer, date in [("raw", "2026-01-01"), ("raw", "2026-01-02"), ("silver", "2026-01-02")]:
            progress.start(layer, date, "raw failed for 2026-01-02" if layer == "silver" else None)
            clock.now += 10
            progress.finish()


def test_outside_a_terminal_each_job_is_one_plain_log_line_with_elapsed_and_eta(logged):
    stream = io.StringIO()
    _three_jobs(stream, Clock())
    assert stream.getvalue() == ""  # nothing drawn: CI logs and Databricks output stay clean
    assert [line.rstrip("\n") for line in logged] == [
        "backfill [1/3] raw 2026-01-01: 0 done, 2 left after this; 0s elapsed, ETA unknown",
        "backfill [2/3] raw 2026-01-02: 1 done, 1 left after this; 10s elapsed, ETA 20s",
        "backfill [3/3] silver 2026-01-02: 2 done, 0 left after this; 20s elapsed, ETA 10s "
        "(skipped: raw failed for 2026-01-02)",
    ]


def test_in_a_terminal_a_live_line_shows_date_layer_done_left_elapsed_and_eta(logged):
    terminal = Terminal()
    clock = Clock()
    with JobProgress("backfill", 3, stream=terminal, clock=clock) as progress:
        progress.start("raw", "2026-01-01")
        clock.now += 10
        progress.finish()
        progress.start("silver", "2026-01-02")
        clock.now += 10
        progress.finish()
        progress._bar.refresh()  # noqa: SLF001 - draw now, not at the next tick
        drawn = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", terminal.getvalue())
    last = drawn.strip().splitlines()[-1]
    assert last.startswith("2026-01-02 silver") and "2/3 · 1 left" in last
    assert "0:00:20 elapsed · ETA 10s" in last
    assert "\x1b[" in terminal.getvalue()  # drawn in place, with cursor moves
    assert not [line for line in logged if "[1/3]" in line]  # no plain lines on top of it
