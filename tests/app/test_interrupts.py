"""Signals as values: where a run stops, its exit code and one-line message, and what a backfill
leaves to resume. No Spark (the subprocess scenarios are in tests/faults/test_signals.py)."""

from __future__ import annotations

import os
import signal
import threading
from types import SimpleNamespace

import pytest

from prodi.app.backfill import plan_backfill, plan_chain
from prodi.app.failure import describe_failure
from prodi.app.interrupts import Interrupted, SignalStop, catching_signals
from prodi.app.job_stats import JobStats
from prodi.config.layers import layer_catalog


def test_exit_codes_and_the_one_line_message():
    stopped = Interrupted(signal.SIGINT, "20260101T000000Z-abc",
                          "in silver/orders: nothing was committed to /lh/silver/orders")
    assert stopped.exit_code == 130
    assert Interrupted(signal.SIGTERM).exit_code == 143
    assert str(Interrupted(signal.SIGTERM, detail="before its next job started")) == \
        "interrupted by SIGTERM before its next job started"
    assert str(stopped) == ("run 20260101T000000Z-abc interrupted by SIGINT in silver/orders: "
                            "nothing was committed to /lh/silver/orders")
    stopped.parent, stopped.resume = "backfill B1", "prodi backfill --layers silver --dates d1"
    failure = describe_failure(stopped)
    assert (failure.exit_code, failure.message) == (130, (
        "backfill B1: run 20260101T000000Z-abc interrupted by SIGINT in silver/orders: nothing "
        "was committed to /lh/silver/orders; resume with: prodi backfill --layers silver "
        "--dates d1"))
    assert "\n" not in failure.message
    # Not an Exception: `except Exception` (a sweep's failing job, an observer) lets it through.
    assert not isinstance(stopped, Exception)


def _run(version_written=None):
    return SimpleNamespace(version_written=version_written)


def test_a_run_stops_at_item_starts_and_at_stages_before_its_write_committed():
    stop, session = SignalStop(), SimpleNamespace(run_id="R1")
    stop.item_started(session, _run())  # no signal: nothing happens
    stop.stage_finished(session, _run())
    stop.signum = signal.SIGTERM
    stop._cancelling.set()
    stop.stage_finished(session, _run(version_written=4))  # committed: the item finishes
    assert not stop._cancelling.is_set()  # and its remaining Spark jobs are not cancelled
    with pytest.raises(Interrupted) as raised:
        stop.stage_finished(session, _run())
    assert (raised.value.signum, raised.value.run_id) == (signal.SIGTERM, "R1")
    with pytest.raises(Interrupted):
        stop.item_started(session, _run())


def test_a_signal_is_recorded_not_raised_and_the_handlers_are_restored():
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    with catching_signals() as stop:
        os.kill(os.getpid(), signal.SIGTERM)  # delivered to this (main) thread at once
        assert stop.signum == signal.SIGTERM
        stop.stop_cancelling()
        with pytest.raises(Interrupted):
            stop.check("R2")
    assert {s: signal.getsignal(s) for s in before} == before


class _ConnectSpark:
    """A Spark Connect session: no SparkContext to cancel jobs on; its queries are interrupted."""

    def __init__(self) -> None:
        self.interrupted = threading.Event()

    def interruptAll(self) -> list[str]:  # noqa: N802 - PySpark's name
        self.interrupted.set()
        return ["op-1"]


_ConnectSpark.__module__ = "pyspark.sql.connect.session"


def test_a_signal_on_spark_connect_interrupts_the_sessions_queries(monkeypatch):
    monkeypatch.setattr("prodi.app.interrupts._spark_context", lambda: None)  # no classic JVM
    stop, spark = SignalStop(), _ConnectSpark()
    stop.item_started(SimpleNamespace(run_id="R3", spark=spark), _run())
    stop._handle(signal.SIGINT, None)
    assert spark.interrupted.wait(120), "the Connect session was never interrupted"
    stop.stop_cancelling()
    with pytest.raises(Interrupted):
        stop.check("R3")


def test_an_interrupted_backfill_resumes_the_job_it_stopped_in_and_those_after_it():
    backfill = plan_backfill({"layers": "bronze,silver", "from": "2026-01-01", "to": "2026-01-03"},
                             ["env=dev"], [], layer_catalog([]))
    backfill.records[("bronze", "2026-01-01")].stats = JobStats("ok")
    backfill.interrupt(("bronze", "2026-01-02"), "SIGINT")
    assert [r.stats.status for r in backfill.records.values()] == \
        ["ok"] + ["interrupted"] * 5
    # silver never ran for the first date either
    assert backfill.resume_command() == ("prodi backfill --layers bronze,silver --dates "
                                         "2026-01-01,2026-01-02,2026-01-03 env=dev")


def test_an_interrupted_chain_resumes_from_the_layer_it_stopped_in():
    chain = plan_chain(["layer=raw,bronze,silver"], [], layer_catalog([]))
    chain.records[("raw", "")].stats = JobStats("ok")
    chain.interrupt(None, "SIGTERM")  # between jobs
    assert chain.resume_command() == "prodi run-layer layer=bronze,silver"
