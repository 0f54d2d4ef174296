"""`run-layer -m`: a sweep whose failing jobs don't stop the others, then a summary."""

from __future__ import annotations

import shlex
import sys
import time
from dataclasses import dataclass, field

from prodi.app.failure import RUN_EXIT
from prodi.app.interrupts import Interrupted
from prodi.app.job_stats import STATS_HEADER, JobStats, data_failure_note
from prodi.app.jobs import Job, JobBatch, run_jobs
from prodi.app.progress import JobProgress
from prodi.app.recording import parent_run
from prodi.app.run import RunOutcome
from prodi.observability.tables import render_table


@dataclass
class SweepJob:
    overrides: list[str]
    stats: JobStats


@dataclass
class SweepReport:
    jobs: list[SweepJob] = field(default_factory=list)
    progress: JobProgress | None = None
    _started: float = 0.0

    def before(self, job: Job) -> None:
        self._started = time.monotonic()
        if self.progress is not None:
            app = job.loaded.app
            self.progress.start(app.layer.name, app.run.date or "", label=" ".join(job.overrides))

    def after(self, job: Job, outcome: RunOutcome | None, error: str | None) -> None:
        self.jobs.append(SweepJob(job.overrides, JobStats.of(outcome, error, None, self._started)))
        if self.progress is not None:
            self.progress.finish()

    def interrupt(self, left: list[Job], signal_name: str) -> None:
        """A signal stopped the sweep: the job it stopped in and the ones after it are left."""
        self.jobs += [SweepJob(j.overrides, JobStats("interrupted", error=f"{signal_name}: not done"))
                      for j in left]

    def summary(self) -> str:
        rows = [[" ".join(j.overrides), *j.stats.cells()] for j in self.jobs]
        return render_table(rows, ["job", *STATS_HEADER])

    def resume_commands(self) -> list[str]:
        """Commands that re-run only the failed jobs: one sweep when they differ in one key."""
        failed = [j.overrides for j in self.jobs if j.stats.status in ("failed", "interrupted")]
        if not failed:
            return []
        keys = [o.split("=", 1)[0] for o in failed[0]]
        varying = [i for i, _ in enumerate(keys) if len({f[i] for f in failed}) > 1]
        if len(varying) <= 1 and all(len(f) == len(keys) for f in failed):
            args = list(failed[0])
            if varying:
                i = varying[0]
                args[i] = f"{keys[i]}=" + ",".join(f[i].split("=", 1)[1] for f in failed)
            return [_command(["-m", *args])]
        return [_command(f) for f in failed]


def _command(args: list[str]) -> str:
    return " ".join(shlex.quote(a) for a in ["prodi", "run-layer", *args])


def run_sweep(batch: JobBatch) -> int:
    """Run a multirun's validated jobs; print a summary and resume commands; the exit code."""
    report = SweepReport()
    try:
        with parent_run("sweep") as parent, JobProgress("sweep", len(batch.jobs)) as progress:
            report.progress = progress
            try:
                run_jobs(batch, before=report.before, after=report.after)
            except Interrupted as stopped:
                report.interrupt(batch.jobs[len(report.jobs):], stopped.signal_name)
                stopped.resume, stopped.parent = "; ".join(report.resume_commands()), \
                    f"sweep {parent.run_id}"
                raise
            failed = [j for j in report.jobs if j.stats.status == "failed"]
            if failed:
                parent.status, parent.error = "failed", f"{len(failed)} job(s) failed"
    except Interrupted:
        sys.stdout.write(f"{report.summary()}\nsweep interrupted. Re-run what is left with:\n" +
                         "".join(f"  {c}\n" for c in report.resume_commands()))
        raise
    sys.stdout.write(report.summary() + "\n")
    resume = report.resume_commands()
    if resume:
        sys.stdout.write(data_failure_note([j.stats for j in report.jobs]))
        sys.stdout.write("Some jobs failed. Re-run only those with:\n" +
                         "".join(f"  {c}\n" for c in resume))
        return RUN_EXIT
    return 0
