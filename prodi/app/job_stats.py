"""What one job of a sweep or backfill did: status, rows in and out, time, error."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from prodi.app.run import RunOutcome


@dataclass
class JobStats:
    status: str = "pending"  # pending | ok | dry-run | failed | skipped | interrupted
    rows_in: int | None = 0  # None: nothing was read (a dry-run)
    rows_out: int | None = 0
    duration_s: float = 0.0
    error: str = ""

    @classmethod
    def of(cls, outcome: RunOutcome | None, error: str | None, skipped: str | None,
           started: float) -> JobStats:
        took = time.monotonic() - started
        if skipped:
            return cls("skipped", duration_s=took, error=skipped)
        if error is not None:
            return cls("failed", duration_s=took, error=error)
        if outcome is not None and outcome.dry_run:  # planned only: no rows to count
            return cls("dry-run", None, None, took)
        results = outcome.results if outcome else []
        return cls("ok", sum(r.rows_read or 0 for r in results), sum(r.rows_written for r in results),
                   took)

    def cells(self) -> list[str]:
        return [self.status, _rows(self.rows_in), _rows(self.rows_out), f"{self.duration_s:.1f}",
                self.error[:120]]


def _rows(count: int | None) -> str:
    return "-" if count is None else str(count)


def done_counts(stats: Iterable[JobStats]) -> str:
    """`9 job(s) ok`, or with dry-runs `4 job(s) dry-run` (planned, nothing read or written)."""
    counts = Counter(s.status for s in stats)
    return ", ".join(f"{n} job(s) {status}" for status, n in counts.items())


STATS_HEADER = ["status", "rows in", "rows out", "seconds", "error"]


DATA_FAILURE_NOTE = ("Jobs marked `Data problem` failed on their data: re-running them fails the "
                     "same way until the delivery (or the policy named in the error) is fixed.\n")


def data_failure_note(stats: list[JobStats]) -> str:
    """A reminder, when some job failed on its data, that resuming needs the data fixed first."""
    return DATA_FAILURE_NOTE if any(s.error.startswith("Data problem") for s in stats) else ""
