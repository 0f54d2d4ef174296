"""SIGINT and SIGTERM stop a run at a safe point, so what it reports matches the Delta log.

The handler never raises inside a blocked Py4J call (that leaves the JVM's write running after
Python has given up on it, and Py4J's connection broken). It records the signal, and another
thread cancels Spark's jobs until the run reaches its next boundary (an item starting, a stage
done before the item's write committed, a job of a backfill), where it stops with `Interrupted`.
A write's jobs fail when cancelled, before its commit; a commit itself runs no job, so one
under way lands, and the item it belongs to then finishes (no more cancelling). What the run
reports is read back from the Delta log. A second signal exits at once.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, Any

from loguru import logger

from prodi.runtime.platform import on_databricks

if TYPE_CHECKING:
    from prodi.engine.session import RunSession
    from prodi.plugins.run import StageRun

SIGNALS = (signal.SIGINT, signal.SIGTERM)
_CANCEL_EVERY_S = 0.2


class Interrupted(BaseException):  # noqa: N818 - what the user did, not an error of prodi's
    """A signal stopped the run. A BaseException, so `except Exception` (a multirun's failing
    job, an observer) never swallows it. `detail` says where it stopped and what was committed;
    `resume` is the command that finishes a backfill or chain."""

    def __init__(self, signum: int, run_id: str | None = None, detail: str = "",
                 resume: str | None = None, committed: int | None = None) -> None:
        super().__init__(signum)
        self.signum, self.run_id, self.detail, self.resume = signum, run_id, detail, resume
        self.committed = committed  # the version the item it stopped in committed, if it did
        self.parent: str | None = None  # "backfill <id>": the chain, sweep or backfill it was in

    @property
    def exit_code(self) -> int:
        return 128 + self.signum  # the shell's convention: 130 for SIGINT, 143 for SIGTERM

    @property
    def signal_name(self) -> str:
        return signal.Signals(self.signum).name

    def __str__(self) -> str:
        run = f"run {self.run_id} " if self.run_id else ""
        text = (f"{self.parent}: " if self.parent else "") + f"{run}interrupted by {self.signal_name}"
        text += f" {self.detail}" if self.detail else ""
        return text + (f"; resume with: {self.resume}" if self.resume else "")


class SignalStop:
    """The signals of one command: which one arrived, and where the run stops for it. Also an
    item observer (`prodi.engine.hooks`): the engine tells it when items start and stages end."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._previous: dict[int, Any] = {}
        self._cancelling = threading.Event()
        self._cancel_lock = threading.Lock()  # held while a cancel is on its way to Spark
        self._spark: Any = None  # the run's session: a Connect one is interrupted through it

    def install(self) -> bool:
        """Handle SIGINT and SIGTERM from now on; False where signals are not ours to handle (a
        thread other than the main one, or a Databricks cluster's shared driver)."""
        if threading.current_thread() is not threading.main_thread() or on_databricks():
            return False
        for signum in SIGNALS:
            self._previous[signum] = signal.signal(signum, self._handle)
        return True

    def restore(self) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous.clear()

    def check(self, run_id: str | None = None, detail: str = "") -> None:
        """Raise Interrupted if a signal arrived."""
        if self.signum is not None:
            self.stop_cancelling()
            raise Interrupted(self.signum, run_id, detail)

    def stop_cancelling(self) -> None:
        """Let Spark jobs run again: the run has stopped (and records so), or a write committed.
        Returns once no cancel is on its way (it would cancel the jobs that record the run)."""
        with self._cancel_lock:
            self._cancelling.clear()

    # ItemObserver: the boundaries where a run stops.
    def item_started(self, session: RunSession, run: StageRun) -> None:
        self._spark = getattr(session, "spark", None)
        self.check(session.run_id)

    def stage_finished(self, session: RunSession, run: StageRun) -> None:
        if run.version_written is None:
            self.check(session.run_id)
        else:  # the item's write committed: it finishes (e.g. records what it ingested)
            self.stop_cancelling()

    def item_finished(self, session: RunSession, run: StageRun, result: object,
                      error: BaseException | None) -> None:
        """Nothing to do: the run stops when the next item starts."""

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.signum is not None:
            _exit_now(signum)
        self.signum = signum
        if self._spark is None:
            self._spark = _connect_session()  # this thread's: Connect's active session is per thread
        self._cancelling.set()
        # Not here: a Py4J call on this thread may be waiting for its answer, and loguru's lock
        # may be held by the frame this handler interrupted.
        threading.Thread(target=self._cancel_jobs, name="prodi-interrupt", daemon=True).start()

    def _cancel_jobs(self) -> None:
        """Cancel Spark's jobs until the run stops: one cancel misses the jobs a stage starts
        after it."""
        assert self.signum is not None
        logger.warning("{} received: cancelling Spark's jobs; the run stops at its next safe "
                       "point ({} again exits at once)", signal.Signals(self.signum).name,
                       "Ctrl-C" if self.signum == signal.SIGINT else "the signal")
        while True:
            with self._cancel_lock:
                if not self._cancelling.is_set():
                    return
                context = _spark_context()
                try:
                    if context is not None:
                        context.cancelAllJobs()
                    elif self._spark is not None and _is_connect(self._spark):
                        self._spark.interruptAll()  # the server cancels this session's queries
                except Exception as exc:  # noqa: BLE001 - the run still stops at its boundary
                    logger.debug("cancelling Spark jobs failed: {}", exc)
            time.sleep(_CANCEL_EVERY_S)


@contextmanager
def catching_signals() -> Iterator[SignalStop]:
    """SIGINT and SIGTERM handled by a SignalStop while the block runs."""
    stop = SignalStop()
    stop.install()
    try:
        yield stop
    finally:
        stop.restore()


def _exit_now(signum: int) -> None:
    """The second signal: no clean-up, no ledger; the JVM is killed with this process."""
    sys.stderr.write(f"prodi: {signal.Signals(signum).name} again: exiting now, without waiting "
                     "for Spark (a write in flight may or may not commit; `prodi runs` and the "
                     "tables' Delta history tell)\n")
    sys.stderr.flush()
    from prodi.runtime.classic import kill_local_jvm

    kill_local_jvm()
    os._exit(128 + signum)


def _spark_context() -> Any:
    """The running SparkContext, without importing PySpark when nothing started it."""
    from prodi.runtime.classic import active_context

    return active_context()


def _is_connect(spark: Any) -> bool:
    from prodi.runtime.classic import is_connect

    return is_connect(spark)


def _connect_session() -> Any:
    """The active Spark Connect session of this thread, without importing PySpark when nothing
    started it (None: none, or a classic one, which `_spark_context` cancels)."""
    if "pyspark" not in sys.modules:
        return None
    from pyspark.sql import SparkSession
    from pyspark.sql.utils import is_remote

    if not is_remote():  # classic: no Py4J call here, in a signal handler
        return None
    try:
        session = SparkSession.getActiveSession()
    except Exception:  # noqa: BLE001 - nothing to interrupt then; the run stops at its boundary
        return None
    return session if session is not None and _is_connect(session) else None


def settled(signum: int, session: RunSession | None, run_id: str,
            stopped_in: tuple[str, str] | None, done: int, total: int) -> Interrupted:
    """The Interrupted of a layer run stopped by `signum`: what the Delta log holds of the item
    it stopped in (`stopped_in`: its layer/name and target), or how far it got."""
    if session is None:
        return Interrupted(signum, run_id, "while starting Spark: nothing was written")
    if stopped_in is None:
        where = f"after {done} of {total} dataset(s)" if done < total else \
            f"as it finished: all {total} dataset(s) done"
        return Interrupted(signum, run_id, f"{where}, each as reported")
    name, target = stopped_in
    try:
        versions = commits_of(session.spark, target, run_id)
    except Exception as exc:  # noqa: BLE001 - say that it is unknown, never guess
        return Interrupted(signum, run_id, f"in {name}; whether its write to {target} "
                           f"committed is unknown ({type(exc).__name__}): see the table's history")
    if versions:
        return Interrupted(signum, run_id, f"in {name}: its write to {target} committed "
                           f"(version {versions[-1]})", committed=versions[-1])
    return Interrupted(signum, run_id, f"in {name}: nothing was committed to {target}")


def commits_of(spark: Any, location: str, run_id: str) -> list[int]:
    """The versions of the table at `location` that the run `run_id` committed (recent ones)."""
    from prodi.io.delta_sql import history
    from prodi.io.delta_tables import exists
    from prodi.model import commit_note

    if not exists(spark, location):
        return []
    rows = history(spark, location, 20)
    notes = ((int(r["version"]), commit_note.decode(r["userMetadata"])) for r in rows)
    return sorted(v for v, note in notes if note is not None and note.get("prodi_run") == run_id)
