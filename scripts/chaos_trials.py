"""The fault-injection scenarios, each on a baseline's lakehouse put back as it was before a
layer's clean run, and judged against that run: a run killed with SIGKILL and run again, and two
runs of one layer at once. One scenario at a time per baseline (they share its root)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scripts.chaos_lakehouse import (
    NEXT,
    Baseline,
    Lakehouse,
    differences,
    ingestion_faults,
    layer_of,
    partial_tables,
    run_here,
    snapshot,
    table_folders,
)
from scripts.chaos_processes import Finished, KillPoint, LayerRun, kill_at, unexplained_failures

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


@dataclass(frozen=True)
class Killed:
    """A run killed at `point` (unless it ended first) on a copy of the baseline's lakehouse."""

    layer: str
    delivery: str  # first | next: the demo delivery the run took in
    lakehouse: Lakehouse
    point: KillPoint
    killed: bool  # False: the run ended before the point came
    files_at_kill: int  # files the run had added to the lakehouse
    leftovers: list[int]  # processes of its group still alive after the kill
    partial: dict[str, str]  # tables left unreadable


def kill_run(spark: SparkSession, baseline: Baseline, layer: str, point: KillPoint, base: Path,
             delivery: str = NEXT) -> Killed:
    """Start `prodi run-layer layer=<layer>` on the lakehouse as the baseline ran it for
    `delivery`, and SIGKILL it at `point`; logs under `base`."""
    lakehouse = baseline.before(delivery, layer, base)
    run = LayerRun(lakehouse, layer)
    killed = kill_at(run, point)
    files_at_kill = run.files_added()
    leftovers = run.leftovers()
    run.wait()
    return Killed(layer, delivery, lakehouse, point, killed, files_at_kill, leftovers,
                  partial_tables(spark, lakehouse.root))


def rerun_here(killed: Killed) -> Finished:
    """The killed run's layer run again in this process (main thread: prodi handles signals)."""
    started = time.monotonic()
    try:
        run_here(killed.lakehouse, killed.layer)
    except SystemExit as stop:
        return Finished(stop.code if isinstance(stop.code, int) else 1, str(stop.code),
                        time.monotonic() - started, False)
    return Finished(0, "", time.monotonic() - started, False)


def rerun_process(killed: Killed) -> Finished:
    """The killed run's layer run again as a process of its own."""
    return LayerRun(killed.lakehouse, killed.layer).wait()


@dataclass(frozen=True)
class KillTrial:
    """A killed run, then the layer run again to the end, judged against the baseline."""

    run: Killed
    rerun: Finished
    partial: dict[str, str]  # after the re-run
    differences: list[str]  # the layer's tables after the re-run against the baseline's

    @property
    def lakehouse(self) -> Lakehouse:
        return self.run.lakehouse

    def faults(self) -> list[str]:
        found = [f"leftover process {pid}" for pid in self.run.leftovers]
        if self.rerun.returncode != 0:
            found.append(f"re-run exited {self.rerun.returncode}: {self.rerun.failure()}")
        found += [f"partial table {t}: {why}" for t, why in self.partial.items()]
        return found + self.differences


def judge_rerun(spark: SparkSession, baseline: Baseline, run: Killed, rerun: Finished) -> KillTrial:
    partial = partial_tables(spark, run.lakehouse.root)
    found = [] if rerun.returncode or partial else differences(
        baseline.after[run.delivery, run.layer], snapshot(spark, run.lakehouse, run.layer))
    return KillTrial(run, rerun, partial, found)


@dataclass(frozen=True)
class PairTrial:
    """Two runs of one layer started together."""

    layer: str
    delivery: str
    lakehouse: Lakehouse
    runs: list[Finished]
    partial: dict[str, str]
    differences: list[str]  # the layer's tables against the baseline's
    double_ingested: list[str]  # raw: landed files not taken in exactly once
    unexplained_failures: list[str]  # runs that failed without naming the table and the winner

    def faults(self) -> list[str]:
        return [*(f"partial table {t}: {why}" for t, why in self.partial.items()),
                *self.double_ingested, *self.differences, *self.unexplained_failures]


def pair_trial(spark: SparkSession, baseline: Baseline, layer: str, base: Path,
               delivery: str = NEXT) -> PairTrial:
    """Two `prodi run-layer layer=<layer>` at once on the lakehouse as the baseline ran it for
    `delivery`, judged against the baseline; logs under `base`."""
    lakehouse = baseline.before(delivery, layer, base)
    started = [LayerRun(lakehouse, layer) for _ in range(2)]
    runs = [run.wait() for run in started]
    partial = partial_tables(spark, lakehouse.root)
    tables = [t for t in table_folders(lakehouse.root) if layer_of(t) == layer]
    got = {} if partial else snapshot(spark, lakehouse, layer)
    expected = baseline.after[delivery, layer]
    return PairTrial(layer, delivery, lakehouse, runs, partial, differences(expected, got) if got else [],
                     ingestion_faults(expected, got) if got and layer == "raw" else [],
                     unexplained_failures(runs, tables))
