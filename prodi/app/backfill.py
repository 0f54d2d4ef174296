"""Backfills and chains: layers (over a date range) as one multirun, in one Spark session.

A chain (`run-layer layer=raw,bronze,silver,gold`) is a backfill of one date, or of no date.

Layer by layer: every date of the first layer, then every date of the next. Each layer's dates
are independent partitions, so a failing date only holds back that date in later layers, and
within a layer dates run in order (silver's MERGE sees versions in the order they landed).
Undated layers (gold) are rebuilt whole, so they run once, after the dated layers.
"""

from __future__ import annotations

import shlex
import sys
import time
from dataclasses import dataclass, field

from prodi.app.failure import RUN_EXIT
from prodi.app.interrupts import Interrupted
from prodi.app.job_stats import STATS_HEADER, JobStats, data_failure_note, done_counts
from prodi.app.jobs import Job, JobBatch, run_jobs
from prodi.app.progress import JobProgress
from prodi.app.recording import parent_run
from prodi.app.run import RunOutcome
from prodi.model.errors import ConfigError
from prodi.model.run_dates import date_range, parse_iso
from prodi.model.schema.layer import LayerCatalog
from prodi.observability.tables import render_table


@dataclass
class JobRecord:
    layer: str
    date: str
    stats: JobStats = field(default_factory=JobStats)


@dataclass
class Backfill:
    """A date range over layers; tracks every (layer, date) job and decides skips."""

    layers: list[str]
    dates: list[str]
    catalog: LayerCatalog
    overrides: list[str] = field(default_factory=list)
    hydra_flags: list[str] = field(default_factory=list)
    fail_fast: bool = False
    chain: bool = False  # `layer=a,b`: one run date (or none), resumed with run-layer
    records: dict[tuple[str, str], JobRecord] = field(default_factory=dict)

    def __post_init__(self) -> None:
        order = self.catalog.names()
        unknown = [x for x in self.layers if x not in order]
        if unknown:
            raise ValueError(f"unknown layer(s) {unknown}; expected some of {', '.join(order)}")
        self.layers = [x for x in order if x in self.layers]  # dependency order
        for layer in self.dated_layers:
            for date in self.dates:
                self.records[(layer, date)] = JobRecord(layer, date)
        for layer in self.undated_layers:
            self.records[(layer, self.dates[-1])] = JobRecord(layer, self.dates[-1])
        self._started = 0.0

    @property
    def dated_layers(self) -> list[str]:
        return [x for x in self.layers if self.catalog.get(x).dated]

    @property
    def undated_layers(self) -> list[str]:
        """Layers rebuilt whole: they run once, for the last date, after the dated ones."""
        return [x for x in self.layers if not self.catalog.get(x).dated]

    def jobs(self) -> list[list[str]]:
        """Each job's overrides, in running order: every date of a dated layer, layer by layer,
        then the undated layers once, for the last date."""
        jobs = [[f"layer={layer}", *_date(date), *self.overrides]
                for layer in self.dated_layers for date in self.dates]
        return jobs + [[f"layer={layer}", *_date(self.dates[-1]), *self.overrides]
                       for layer in self.undated_layers]

    def skip_reason(self, layer: str, date: str) -> str | None:
        """Why a job must not run: an earlier failure with fail-fast, or a failed upstream date."""
        if self.fail_fast and any(r.stats.status == "failed" for r in self.records.values()):
            return "fail-fast after an earlier failure"
        upstream = self.layers[: self.layers.index(layer)]
        for up in upstream:
            dates = [date] if self.catalog.get(layer).dated else self.dates
            bad = [d for d in dates if self.records.get((up, d), JobRecord(up, d)).stats.status
                   in ("failed", "skipped")]
            if bad:
                dated = [d for d in bad if d]
                return f"{up} failed" + (f" for {', '.join(dated)}" if dated else "")
        return None

    def record(self, layer: str, date: str, outcome: RunOutcome | None,
               error: str | None, skipped: str | None, started: float) -> None:
        self.records[(layer, date)].stats = JobStats.of(outcome, error, skipped, started)

    def failed(self) -> list[JobRecord]:
        return [r for r in self.records.values()
                if r.stats.status in ("failed", "skipped", "interrupted")]

    def interrupt(self, current: tuple[str, str] | None, signal_name: str) -> None:
        """A signal stopped the backfill in `current` (layer, date), or between jobs: that job
        and every one not run yet are left to do."""
        for key, record in self.records.items():
            if key == current or record.stats.status == "pending":
                record.stats.status, record.stats.error = "interrupted", f"{signal_name}: not done"

    def summary(self) -> str:
        rows = [[r.date or "all", r.layer, *r.stats.cells()] for r in self.records.values()]
        return render_table(rows, ["date", "layer", *STATS_HEADER])

    def resume_command(self) -> str | None:
        """The command that re-runs only the failed (and held back) dates."""
        bad = self.failed()
        if not bad:
            return None
        order = self.catalog.names()
        first_layer = min(order.index(r.layer) for r in bad)
        layers = [x for x in self.layers if order.index(x) >= first_layer]
        if self.chain:
            args = ["prodi", "run-layer", *self.hydra_flags, f"layer={','.join(layers)}",
                    *_date(self.dates[0]), *self.overrides]
            return " ".join(shlex.quote(a) for a in args)
        dates = sorted({r.date for r in bad if self.catalog.get(r.layer).dated}) or [self.dates[-1]]
        args = ["prodi", "backfill", "--layers", ",".join(layers), "--dates", ",".join(dates),
                *self.hydra_flags, *self.overrides]
        if self.fail_fast:
            args.append("--fail-fast")
        return " ".join(shlex.quote(a) for a in args)


def run_backfill(backfill: Backfill, batch: JobBatch) -> int:
    """Run the backfill's validated jobs; print the summary and, on failures, the resume
    command. The exit code."""
    what = "chain" if backfill.chain else "backfill"
    try:
        with parent_run(what) as parent, JobProgress(what, len(backfill.records)) as progress:
            hooks = _Hooks(backfill, progress)
            try:
                run_jobs(batch, before=hooks.before, after=hooks.after)
            except Interrupted as stopped:  # that job and the ones after it are left to do
                backfill.interrupt(hooks.current if hooks.running else None, stopped.signal_name)
                stopped.resume, stopped.parent = backfill.resume_command(), f"{what} {parent.run_id}"
                raise
            failed = backfill.failed()
            if failed:
                parent.status, parent.error = "failed", f"{len(failed)} job(s) failed or held back"
    except Interrupted as stopped:
        sys.stdout.write(f"{backfill.summary()}\n{what} interrupted. Re-run what is left with:\n"
                         f"  {stopped.resume}\n")
        raise
    sys.stdout.write(backfill.summary() + "\n")
    resume = backfill.resume_command()
    if resume:
        sys.stdout.write(data_failure_note([r.stats for r in failed]))
        sys.stdout.write(f"{len(failed)} job(s) failed or held back. Re-run only those with:\n"
                         f"  {resume}\n")
        return RUN_EXIT
    sys.stdout.write(f"{what} done: {done_counts(r.stats for r in backfill.records.values())}\n")
    return 0


def plan_backfill(options: dict[str, str], overrides: list[str], hydra_flags: list[str],
                  catalog: LayerCatalog) -> Backfill:
    """The Backfill of `--layers/--from/--to/--dates/--fail-fast` (or `layer=X`) plus overrides."""
    layers = [x.strip() for x in options.get("layers", "").split(",") if x.strip()]
    layers += [o.split("=", 1)[1] for o in overrides if o.startswith("layer=")]
    rest = [o for o in overrides if not o.startswith(("layer=", "run.date="))]
    if not layers:
        raise ConfigError("--layers", "the layers to backfill (--layers bronze,silver or layer=X)",
                          "none", source="command line")
    try:
        if "dates" in options:
            dates = [parse_iso(d.strip()).isoformat() for d in options["dates"].split(",")
                     if d.strip()]
        elif "from" in options and "to" in options:
            dates = date_range(options["from"], options["to"])
        else:
            raise ValueError("expected --from and --to, or --dates")
        return Backfill(layers, dates, catalog, rest, hydra_flags, options.get("fail_fast") == "true")
    except ValueError as exc:
        raise ConfigError("--from/--to/--dates/--layers", "a valid backfill range", str(exc),
                          source="command line") from None


def plan_chain(overrides: list[str], hydra_flags: list[str], catalog: LayerCatalog) -> Backfill:
    """The chain of `layer=a,b,...` (run in dependency order) with the other overrides."""
    (layers,) = [o.split("=", 1)[1] for o in overrides if o.startswith("layer=")]
    dates = [o.split("=", 1)[1] for o in overrides if o.startswith("run.date=")]
    rest = [o for o in overrides if not o.startswith(("layer=", "run.date="))]
    try:
        return Backfill([x.strip() for x in layers.split(",") if x.strip()], dates[-1:] or [""],
                        catalog, rest, hydra_flags, chain=True)
    except ValueError as exc:
        raise ConfigError("layer", "a comma-separated list of layers", str(exc),
                          source="command line") from None


def is_chain(overrides: list[str], hydra_flags: list[str]) -> bool:
    """`layer=a,b` without `-m`: several layers in dependency order, in one session."""
    return not any(f in ("-m", "--multirun") for f in hydra_flags) and any(
        o.startswith("layer=") and "," in o for o in overrides)


def _date(date: str) -> list[str]:
    return [f"run.date={date}"] if date else []


class _Hooks:
    """Bridges jobs to the backfill's records: progress, skips, results."""

    def __init__(self, backfill: Backfill, progress: JobProgress) -> None:
        self.backfill, self.progress = backfill, progress
        self.started = 0.0
        self.skipped: str | None = None
        self.current: tuple[str, str] = ("", "")
        self.running = False  # between `before` and `after` of `current`

    @staticmethod
    def _job(job: Job) -> tuple[str, str]:
        app = job.loaded.app
        return app.layer.name, app.run.date or ""

    def before(self, job: Job) -> str | None:
        layer, date = self._job(job)
        self.current, self.running = (layer, date), True
        self.started = time.monotonic()
        self.skipped = self.backfill.skip_reason(layer, date)
        self.progress.start(layer, date, self.skipped)
        return self.skipped

    def after(self, job: Job, outcome: RunOutcome | None, error: str | None) -> None:
        layer, date = self._job(job)
        self.running = False
        self.backfill.record(layer, date, outcome, error, self.skipped, self.started)
        self.progress.finish()
