"""When and where the run ledger is written: at the end of every layer run (a failed one too),
and of every chain, sweep and backfill, which its layer runs name as their parent.

A ledger that can't be written never changes a run's result: it is logged, and the command exits
with LEDGER_EXIT once the run is done, unless the run itself failed (its exit code wins).
Dry-runs are not recorded.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from loguru import logger

from prodi.app.failure import describe_failure
from prodi.app.ledger import command_line, databricks_ids, dataset_rows, run_row
from prodi.app.provenance import new_run_id

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from prodi.app.interrupts import SignalStop
    from prodi.app.run import RunOutcome
    from prodi.config.load import LoadedConfig
    from prodi.engine.hooks import ItemObserver
    from prodi.engine.session import RunSession
    from prodi.model.layout import TableSpace
    from prodi.secrets.vault import SecretVault

LEDGER_EXIT = 3


@dataclass
class ParentRun:
    """A chain, sweep or backfill: the id its layer runs record as their parent."""

    kind: str
    run_id: str = field(default_factory=new_run_id)
    started: float = field(default_factory=time.monotonic)
    status: str = "ok"
    error: str | None = None
    spark: SparkSession | None = None  # set by its layer runs: where the ledger is
    tables: TableSpace | None = None  # where the ledger is
    children: list[dict[str, Any]] = field(default_factory=list)  # their ledger rows
    redactors: list[Callable[[str], str]] = field(default_factory=list)

    def redact(self, text: str) -> str:
        for redact in self.redactors:
            text = redact(text)
        return text


@dataclass
class Command:
    """One `run-layer` command: its command line, the observers of its item runs, the signals
    that stop it, and the ledger writes that failed in it."""

    args: list[str] = field(default_factory=list)
    observers: tuple[ItemObserver, ...] = ()
    failures: list[str] = field(default_factory=list)
    stop: SignalStop | None = None


_command: ContextVar[Command | None] = ContextVar("prodi_command", default=None)
_parent: ContextVar[ParentRun | None] = ContextVar("prodi_parent_run", default=None)


def begin(args: list[str], stop: SignalStop | None = None) -> None:
    """A new command: its command line, no ledger failures yet, the observers of its item runs
    (OpenLineage events, when the environment configures them) and `stop`, which stops its runs
    between stages when a signal arrives."""
    from prodi.app.openlineage_events import observers

    own = tuple(observers(parent_id=parent_id))
    _command.set(Command(list(args), (*own, stop) if stop is not None else own, stop=stop))


def _current() -> Command:
    command = _command.get()
    if command is None:  # a run started without `begin` (a library call, a test)
        command = Command()
        _command.set(command)
    return command


def item_observers() -> tuple[ItemObserver, ...]:
    """The observers of this command's item runs."""
    return _current().observers


def signal_stop() -> SignalStop | None:
    """What stops this command's runs on SIGINT and SIGTERM (None: signals aren't handled)."""
    return _current().stop


def parent_id() -> str | None:
    """The id of the chain, sweep or backfill running now, if any."""
    parent = _parent.get()
    return parent.run_id if parent is not None else None


def exit_code() -> int:
    """LEDGER_EXIT when a ledger write failed in this command, else 0."""
    return LEDGER_EXIT if _current().failures else 0


def record_layer_run(loaded: LoadedConfig, outcome: RunOutcome, session: RunSession | None,
                     vault: SecretVault, error: BaseException | None, started: float) -> None:
    """Write the layer run's rows: the run, and each item it ran (and the one it failed in).
    Never raises: a ledger problem is logged and turns into LEDGER_EXIT."""
    try:
        _record_layer_run(loaded, outcome, session, vault, error, started)
    except Exception as exc:  # noqa: BLE001 - the run's own result must stand
        _failed(outcome.run_id, vault.redact(describe_failure(exc).message), error is not None)


def _record_layer_run(loaded: LoadedConfig, outcome: RunOutcome, session: RunSession | None,
                      vault: SecretVault, error: BaseException | None, started: float) -> None:
    app, parent = loaded.app, _parent.get()
    ended_at = datetime.now(timezone.utc)
    started_at = ended_at - timedelta(seconds=time.monotonic() - started)
    message = vault.redact(describe_failure(error).message) if error is not None else None
    facts = _facts(session.spark) if session is not None else {}
    row = run_row(run_id=outcome.run_id, kind="layer", status=_status(error),
                  started_at=started_at, ended_at=ended_at, redact=vault.redact,
                  parent_id=parent.run_id if parent else None, app=app, tree=loaded.tree,
                  command=command_line(_current().args), overrides=loaded.origins.overrides,
                  error=message, facts=facts)
    failed = None
    if error is not None and session is not None and len(outcome.results) < len(loaded.plans):
        item = loaded.plans[len(outcome.results)].item
        failed = (item.layer.name, item.name, session.secrets.resolve(item.target,
                                                                       "cloud.storage.root"))
    items = dataset_rows(outcome.run_id, outcome.results, vault.redact, app.run.date, failed,
                         ended_at)
    if failed is not None and _status(error) == "interrupted":
        items[-1].update(status="interrupted", note=vault.redact(str(error)),
                         version_written=getattr(error, "committed", None))
    if parent is not None:
        parent.children.append(row)
        parent.redactors.append(vault.redact)
    if session is None:
        _failed(outcome.run_id, "its Spark session never started", error is not None)
        return
    tables = ledger_tables(loaded, session)
    if parent is not None:
        parent.spark, parent.tables = session.spark, tables
    _write(session.spark, tables, [row], items, outcome.run_id, error is not None)


@contextmanager
def parent_run(kind: str) -> Iterator[ParentRun]:
    """The chain, sweep or backfill run inside: recorded after its last layer run, in the
    ledger they wrote to (nothing when they were all dry-runs)."""
    parent = ParentRun(kind)
    token = _parent.set(parent)
    try:
        yield parent
    except BaseException as exc:
        parent.status, parent.error = _status(exc), describe_failure(exc).message
        raise
    finally:
        _parent.reset(token)
        if parent.children:
            try:
                _record_parent(parent)
            except Exception as exc:  # noqa: BLE001 - the runs' own results must stand
                _failed(parent.run_id, parent.redact(describe_failure(exc).message),
                        parent.status != "ok")


def _status(error: BaseException | None) -> str:
    from prodi.app.interrupts import Interrupted

    return "ok" if error is None else "interrupted" if isinstance(error, Interrupted) else "failed"


def ledger_tables(loaded: LoadedConfig, session: RunSession) -> TableSpace:
    """Where the run's ledger tables are: under the lakehouse root (secrets in it resolved), or
    in the cloud's catalog schema."""
    from prodi.model.layout import TableSpace, absolute_storage

    cloud = loaded.app.cloud
    root = absolute_storage(session.secrets.resolve(cloud.storage.root, "cloud.storage.root"))
    return TableSpace.of(cloud, root)


def _record_parent(parent: ParentRun) -> None:
    first, ended_at = parent.children[0], datetime.now(timezone.utc)
    dates = sorted({c["run_date"] for c in parent.children if c["run_date"]})
    layers = list(dict.fromkeys(c["layer"] for c in parent.children))
    row = run_row(
        run_id=parent.run_id, kind=parent.kind, status=parent.status, error=parent.error,
        started_at=ended_at - timedelta(seconds=time.monotonic() - parent.started),
        ended_at=ended_at, redact=parent.redact, command=command_line(_current().args),
        layer=",".join(layers), cloud=first["cloud"], env=first["env"],
        pipeline=first["pipeline"], run_date=(dates[0] if len(dates) == 1 else
                                              f"{dates[0]}..{dates[-1]}" if dates else None),
        facts=_facts(parent.spark) if parent.spark is not None else {})
    if parent.spark is None or parent.tables is None:
        _failed(parent.run_id, "none of its layer runs started a Spark session",
                parent.status != "ok")
        return
    _write(parent.spark, parent.tables, [row], [], parent.run_id, parent.status != "ok")


def _write(spark: SparkSession, tables: TableSpace, runs: list[dict[str, Any]],
           items: list[dict[str, Any]], run_id: str, run_failed: bool) -> None:
    from prodi.io import run_ledger

    try:
        run_ledger.append(spark, tables, runs, items)
    except Exception as exc:  # noqa: BLE001 - the run's result must stand whatever happens here
        where = run_ledger.location(tables, run_ledger.RUNS)
        _failed(run_id, f"{where}: {describe_failure(exc).message}", run_failed)


def _failed(run_id: str, why: str, run_failed: bool) -> None:
    _current().failures.append(why)
    outcome = ("the run failed and exits with its own code" if run_failed else
               f"the run itself succeeded; prodi exits with code {LEDGER_EXIT} to say the "
               "ledger is missing it")
    logger.error("run ledger: run {} not recorded: {}. Its tables are as the run left them; {}",
                 run_id, why, outcome)


def _facts(spark: SparkSession) -> dict[str, Any]:
    """Spark's version and the Databricks ids of this run (env vars, else Spark conf tags)."""
    import os

    from prodi.runtime.classic import classic_jvm

    jvm = classic_jvm(spark)  # a job's local properties: classic only (Connect: conf and env)

    def conf(key: str) -> str | None:
        try:
            return spark.conf.get(key, None) or (jvm.local_property(key) if jvm else None)
        except Exception:  # noqa: BLE001 - a tag that can't be read is a tag we don't have
            return None

    return {"spark_version": spark.version, **databricks_ids(os.environ, conf)}
