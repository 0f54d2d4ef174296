"""What one job of a sweep or backfill did: status, rows in and out, time, error."""

from __future__ import annotations

import time
from dataclasses import dataclass

from prodi.app.run import RunOutcome


@dataclass
class JobStats:
    status: str = "pending"  # pending | ok | failed | skipped
    rows_in: int = 0
    rows_out: int = 0
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
        results = outcome.results if outcome else []
        return cls("ok", sum(r.rows_read or 0 for r in results), sum(r.rows_written for r in results),
                   took)

    def cells(self) -> list[str]:
        return [self.status, str(self.rows_in), str(self.rows_out), f"{self.duration_s:.1f}",
                self.error[:120]]


STATS_HEADER = ["status", "rows in", "rows out", "seconds", "error"]


DATA_FAILURE_NOTE = ("Jobs marked `Data problem` failed on their data: re-running them fails the "
                     "same way until the delivery (or the policy named in the error) is fixed.\n")


def data_failure_note(stats: list[JobStats]) -> str:
    """A reminder, when some job failed on its data, that resuming needs the data fixed first."""
    return DATA_FAILURE_NOTE if any(s.error.startswith("Data problem") for s in stats) else ""
