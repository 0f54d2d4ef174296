"""Execute one validated layer run: a dry-run plan, or the planned items on Spark + Delta."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from loguru import logger

from prodi.app.plan import build_plan, render_plan
from prodi.app.provenance import header, new_run_id
from prodi.config.load import LoadedConfig
from prodi.engine.results import DatasetResult, render_results
from prodi.observability.logging import configure_logging
from prodi.runtime.platform import log_stream
from prodi.runtime.spark_available import require_spark
from prodi.secrets.vault import SecretVault

if TYPE_CHECKING:
    from prodi.app.interrupts import Interrupted
    from prodi.engine.session import RunSession


@dataclass
class RunOutcome:
    run_id: str
    layer: str
    dry_run: bool
    results: list[DatasetResult] = field(default_factory=list)
    duration_s: float = 0.0


def execute(loaded: LoadedConfig, environ: Mapping[str, str] | None = None,
            vault: SecretVault | None = None, jars: Iterable[str] | None = None) -> RunOutcome:
    """Run the selected layer (or print its plan), logging a summary per dataset. `jars`: the
    Maven packages a session started here must have (default: what this run's sources need; a
    batch passes what all its jobs need, since its first job starts the session they share)."""
    environ = os.environ if environ is None else environ
    app = loaded.app
    vault = vault if vault is not None else SecretVault()
    configure_logging(app.log.level, app.log.format, app.log.file, redact=vault.redact,
                      stream=log_stream(environ))
    run_id = app.run.id or new_run_id()
    log = logger.bind(run_id=run_id, layer=app.layer.name)
    log.info("{} | run {} layer={} cloud={} env={} run.date={}", header(loaded.tree), run_id,
             app.layer.name, app.cloud.name, app.env.name, app.run.date or "all")
    outcome = RunOutcome(run_id, app.layer.name, loaded.dry_run.enabled)
    started = time.monotonic()
    if loaded.dry_run.enabled:
        log.info("DRY-RUN (because: {}): nothing is read or written, no JVM is started",
                 loaded.dry_run.cause)
        sys.stdout.write(render_plan(build_plan(loaded, run_id), app.plan_format) + "\n")
        sys.stdout.flush()
        return outcome
    require_spark(environ)  # before anything is attempted (or recorded): the runner imports Delta
    from prodi.app.recording import item_observers, record_layer_run, signal_stop
    from prodi.engine.runner import run_items
    from prodi.engine.session import open_session, packages

    session, error, stop = None, None, signal_stop()
    try:
        with logger.contextualize(run_id=run_id, layer=app.layer.name):
            needed = packages(loaded.plans) if jars is None else jars
            session = open_session(app, run_id, vault, environ, packages=needed,
                                   observers=item_observers())
            for result in run_items(session, loaded.plans):
                outcome.results.append(result)
                _log_result(log, result)
            if stop is not None:
                stop.check()  # a signal during the last item: the run still reports it
    except BaseException as exc:
        error = exc
        if stop is not None and stop.signum is not None:  # a cancelled job, or Interrupted
            stop.stop_cancelling()  # the Delta log is read, and the ledger written
            error = _interrupted(stop.signum, loaded, outcome, session)
            logger.debug("stopped by {}: {}: {}", error.signal_name, type(exc).__name__, exc)
            raise error from None
        error = _storage_fault(exc, loaded, outcome, session) or exc
        if error is not exc:
            raise error from exc
        raise
    finally:  # the run ledger, on failure too
        record_layer_run(loaded, outcome, session, vault, error, started)
    outcome.duration_s = time.monotonic() - started
    log.info("layer {} done in {:.1f}s\n{}", app.layer.name, outcome.duration_s,
             render_results(outcome.results))
    return outcome


def _storage_fault(exc: BaseException, loaded: LoadedConfig, outcome: RunOutcome,
                   session: RunSession | None) -> Exception | None:
    """`exc` as a storage fault, saying what the item the run failed in was doing."""
    from prodi.app.failure import storage_fault

    if not isinstance(exc, Exception):
        return None
    done = len(outcome.results)
    if session is None or done >= len(loaded.plans):
        return storage_fault(exc)
    item = loaded.plans[done].item
    return storage_fault(exc, (item.layer.name, item.name,
                               session.secrets.resolve(item.target, "cloud.storage.root")))


def _interrupted(signum: int, loaded: LoadedConfig, outcome: RunOutcome,
                 session: RunSession | None) -> Interrupted:
    """What the Delta log says of the item the run stopped in (nothing in progress: none)."""
    from prodi.app.interrupts import settled

    done, total = len(outcome.results), len(loaded.plans)
    stopped_in = None
    if session is not None and done < total:
        item = loaded.plans[done].item
        stopped_in = (f"{item.layer.name}/{item.name}",
                      session.secrets.resolve(item.target, "cloud.storage.root"))
    return settled(signum, session, outcome.run_id, stopped_in, done, total)


def _log_result(log, result: DatasetResult) -> None:  # noqa: ANN001 - a bound loguru logger
    log.info("{}/{}: read {} wrote {} quarantined {} dropped {} superseded {} ({:.1f}s) -> {}",
             result.layer, result.dataset, "-" if result.rows_read is None else result.rows_read,
             result.rows_written, result.rows_quarantined, result.rows_dropped,
             result.rows_superseded, result.duration_s, result.target)
    for what, rules in (("quarantined", result.quarantined_rules), ("dropped", result.failed_rules),
                        ("kept (warn only)", result.warned_rules)):
        for rule, count in rules.items():
            log.warning("{}/{}: {} row(s) fail {}, {}; e.g. {}", result.layer, result.dataset,
                        count, rule, what, result.samples.get(rule, []))
