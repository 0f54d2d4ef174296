"""`hydra.main` itself, for the flags Hydra handles on its own: `--cfg`, `--info`, `--hydra-help`,
shell completion, and another primary config (`-cp`/`-cn`). Runs go through `jobs` instead."""

from __future__ import annotations

import sys

import hydra
from omegaconf import DictConfig

from prodi.app.failure import CONFIG_EXIT
from prodi.app.jobs import Job, run_one
from prodi.config.compose import CONFIG_NAME
from prodi.config.load import load
from prodi.config.resolvers import register_resolvers
from prodi.model.errors import ConfigErrors

CONFIG_PATH = "pkg://prodi.conf"


def run_hydra(args: list[str], prog: str = "prodi run-layer") -> None:
    """Run the Hydra app with `args` as its command line."""
    register_resolvers()

    def task(cfg: DictConfig) -> None:
        from hydra.core.hydra_config import HydraConfig

        hc = HydraConfig.get()
        overrides = list(hc.overrides.task)
        multirun = hc.mode is not None and hc.mode.name == "MULTIRUN"
        try:
            loaded = load(cfg, overrides)
        except ConfigErrors as exc:
            sys.stderr.write(f"prodi: error: {exc}\n")
            raise SystemExit(CONFIG_EXIT) from None
        run_one(Job(overrides, cfg, loaded), multirun, None, None)

    main = hydra.main(config_path=CONFIG_PATH, config_name=CONFIG_NAME, version_base="1.3")(task)
    saved = sys.argv
    sys.argv = [prog, *args]
    try:
        main()
    finally:
        sys.argv = saved
