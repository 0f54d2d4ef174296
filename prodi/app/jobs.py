"""Jobs composed and validated once, then run as Hydra jobs (output dir, saved config, callbacks).

Every job of a run, sweep or backfill is composed and validated before any of them runs, so a
config error exits 2 with nothing written. The validated config is the one that runs: there is
no second composition inside `hydra.main`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml
from hydra._internal.callbacks import Callbacks
from hydra.core.global_hydra import GlobalHydra
from hydra.core.utils import run_job
from hydra.errors import HydraException
from hydra.types import HydraContext, RunMode
from loguru import logger
from omegaconf import DictConfig, OmegaConf, open_dict

from prodi.app.failure import describe_failure
from prodi.app.hydra_dirs import pin, settle_output_dirs, writable
from prodi.app.recording import signal_stop
from prodi.app.run import RunOutcome, execute
from prodi.config.compose import CONFIG_NAME, composer, composition_error
from prodi.config.load import LoadedConfig, load
from prodi.engine.session import packages
from prodi.model.errors import ConfigError, ConfigErrors
from prodi.observability.logging import configure_logging
from prodi.runtime.platform import default_hydra_dir, log_stream, on_databricks
from prodi.secrets.vault import SecretVault


@dataclass(frozen=True)
class Job:
    overrides: list[str]
    cfg: DictConfig  # as composed, with its `hydra` node (output dir, job number)
    loaded: LoadedConfig


@dataclass(frozen=True)
class JobBatch:
    jobs: list[Job]
    multirun: bool
    master: DictConfig | None  # a multirun's shared config (saved as multirun.yaml)
    context: HydraContext


BeforeJob = Callable[[Job], str | None]  # a reason to skip the job, or None
AfterJob = Callable[[Job, RunOutcome | None, str | None], None]  # outcome, masked failure


def compose_jobs(jobs: list[list[str]], shared: list[str], multirun: bool,
                 config_dir: str | None = None, environ: Mapping[str, str] | None = None
                 ) -> JobBatch:
    """Compose and validate every job; ConfigErrors name the first failing job's problems."""
    _default_hydra_dir()
    with composer(config_dir) as c:
        hydra = GlobalHydra.instance().hydra
        assert hydra is not None
        extra = c.searchpath_overrides()
        try:
            master = hydra.compose_config(CONFIG_NAME, [*shared, *extra], run_mode=RunMode.MULTIRUN,
                                          from_shell=True) if multirun else None
            composed = []
            for i, overrides in enumerate(jobs):
                if master is not None:
                    cfg = hydra.config_loader.load_sweep_config(master, overrides)
                    with open_dict(cfg):
                        cfg.hydra.job.id = cfg.hydra.job.num = i
                else:
                    cfg = hydra.compose_config(CONFIG_NAME, [*overrides, *extra],
                                               run_mode=RunMode.RUN, from_shell=True)
                composed.append(Job(overrides, cfg, load(cfg, overrides, environ)))
            if master is not None:
                settle_output_dirs(master, all(j.loaded.dry_run.enabled for j in composed))
            for job in composed:
                settle_output_dirs(job.cfg, job.loaded.dry_run.enabled)
        except ConfigError as exc:
            raise ConfigErrors([exc]) from None
        except (HydraException, yaml.YAMLError) as exc:
            raise ConfigErrors([composition_error(exc)]) from None
        callbacks = Callbacks(master if master is not None else composed[0].cfg)
        return JobBatch(composed, multirun, master,
                        HydraContext(config_loader=hydra.config_loader, callbacks=callbacks))


def run_jobs(batch: JobBatch, before: BeforeJob | None = None, after: AfterJob | None = None
             ) -> None:
    """Run the jobs in order. In a multirun a failing job is reported to `after` and the rest
    go on; a single run raises SystemExit with the failure's exit code."""
    if batch.master is not None:  # one folder for the sweep, whatever second a job starts in
        sweep_dir = writable(str(batch.master.hydra.sweep.dir))
        for cfg in (batch.master, *(job.cfg for job in batch.jobs)):
            pin(cfg, "hydra.sweep.dir", sweep_dir)
        OmegaConf.save(batch.master, Path(sweep_dir) / "multirun.yaml")
    jars = packages(plan for job in batch.jobs for plan in job.loaded.plans)
    for job in batch.jobs:
        if not batch.multirun:
            pin(job.cfg, "hydra.run.dir", writable(str(job.cfg.hydra.run.dir)))
        def task(_: DictConfig, job: Job = job) -> None:
            run_one(job, batch.multirun, before, after, jars)

        run_job(task_function=task, config=job.cfg, hydra_context=batch.context,
                job_dir_key="hydra.sweep.dir" if batch.multirun else "hydra.run.dir",
                job_subdir_key="hydra.sweep.subdir" if batch.multirun else None,
                configure_logging=False)


def run_one(job: Job, multirun: bool, before: BeforeJob | None, after: AfterJob | None,
            jars: tuple[str, ...] | None = None) -> None:
    """One job inside its Hydra job context: logging with the run's secrets masked, then the run
    (on a session with `jars`, when this job starts it)."""
    vault = SecretVault()
    log = job.loaded.app.log  # the job's own settings from its first line (its header) on
    configure_logging(log.level, log.format, log.file, redact=vault.redact, stream=log_stream())
    stop = signal_stop()
    if stop is not None:  # a signal between jobs: a backfill doesn't go on to the next date
        stop.check(detail="before its next job started")
    if before is not None and before(job):
        if after is not None:
            after(job, None, None)
        return
    try:
        outcome = execute(job.loaded, vault=vault, jars=jars)
    except Exception as exc:  # noqa: BLE001 - every failure becomes a message + exit code
        failure = describe_failure(exc)
        message = vault.redact(failure.message)
        logger.error("{}", message)
        logger.debug("traceback:\n{}", vault.redact(failure.traceback))
        if after is not None:
            after(job, None, message)
        if not multirun:
            if on_databricks():  # the full trace belongs in the task output on a cluster
                sys.stdout.write(vault.redact(failure.traceback))
                sys.stdout.flush()
            raise SystemExit(failure.exit_code) from None
        return
    if after is not None:
        after(job, outcome, None)


def _default_hydra_dir() -> None:
    """On a cluster, Hydra's output dir belongs on local disk, not the workspace or DBFS fuse."""
    hydra_dir = default_hydra_dir()
    if hydra_dir and "PRODI_HYDRA_DIR" not in os.environ:
        os.environ["PRODI_HYDRA_DIR"] = hydra_dir
