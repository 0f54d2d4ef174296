"""The Hydra app behind `prodi run-layer`: full override grammar, --cfg, -m sweeps, hydra.*."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

import hydra
from hydra.core.hydra_config import HydraConfig
from loguru import logger
from omegaconf import DictConfig

from prodi.app.failure import describe_failure
from prodi.app.run import RunOutcome, execute
from prodi.config.load import load
from prodi.config.resolvers import register_resolvers
from prodi.observability.logging import configure_logging
from prodi.runtime.platform import default_hydra_dir, log_stream, on_databricks
from prodi.secrets.vault import SecretVault

CONFIG_PATH = "pkg://prodi.conf"
# (outcome, failure message with secrets masked, the job's overrides)
OnOutcome = Callable[[RunOutcome | None, str | None, list[str]], None]
BeforeJob = Callable[[list[str]], str | None]  # returns a reason to skip the job, or None


def run_hydra(args: list[str], prog: str = "prodi run-layer", on_job: OnOutcome | None = None,
              before_job: BeforeJob | None = None) -> None:
    """Run the Hydra app with `args` as its command line.

    In a sweep (`-m`), a failing job is reported to `on_job` and the sweep goes on; a single
    run raises SystemExit with the failure's exit code after printing one paragraph.
    """
    register_resolvers()

    def task(cfg: DictConfig) -> None:
        hc = HydraConfig.get()
        overrides = list(hc.overrides.task)
        multirun = hc.mode is not None and hc.mode.name == "MULTIRUN"
        vault = SecretVault()
        configure_logging(fmt=os.environ.get("PRODI_LOG_FORMAT", "text"), redact=vault.redact,
                          stream=log_stream())
        if before_job is not None and before_job(overrides):
            if on_job is not None:
                on_job(None, None, overrides)
            return
        try:
            loaded = load(cfg, overrides)
            outcome = execute(loaded, vault=vault)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message + exit code
            failure = describe_failure(exc)
            message = vault.redact(failure.message)
            logger.error("{}", message)
            logger.debug("traceback:\n{}", vault.redact(failure.traceback))
            if on_job is not None:
                on_job(None, message, overrides)
            if not multirun:
                _print_traceback_on_databricks(vault.redact(failure.traceback))
                raise SystemExit(failure.exit_code) from None
            return
        if on_job is not None:
            on_job(outcome, None, overrides)

    main = hydra.main(config_path=CONFIG_PATH, config_name="config", version_base="1.3")(task)
    hydra_dir = default_hydra_dir()
    if hydra_dir and "PRODI_HYDRA_DIR" not in os.environ:
        os.environ["PRODI_HYDRA_DIR"] = hydra_dir
    saved = sys.argv
    sys.argv = [prog, *args]
    try:
        main()
    finally:
        sys.argv = saved


def _print_traceback_on_databricks(tb: str) -> None:
    """The full trace belongs in the task output on a cluster (stdout, beside the logs)."""
    if on_databricks():
        sys.stdout.write(tb)
        sys.stdout.flush()
