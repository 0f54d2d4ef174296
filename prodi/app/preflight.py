"""Compose and validate before Hydra runs anything: config errors exit 2 with one paragraph."""

from __future__ import annotations

import itertools
from collections.abc import Mapping

from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.errors import HydraException

from prodi.config.compose import composer
from prodi.config.load import LoadedConfig, load
from prodi.model.errors import ConfigError, ConfigErrors

MAX_SWEEP_JOBS = 10_000


def expand_sweeps(overrides: list[str]) -> list[list[str]]:
    """One override list per job of a sweep (just `overrides` when nothing sweeps)."""
    try:
        parsed = OverridesParser.create().parse_overrides(overrides)
    except HydraException as exc:
        raise ConfigError("<command line>", "valid Hydra overrides", str(exc).splitlines()[0],
                          source="command line") from None
    choices: list[list[str]] = []
    for o in parsed:
        if o.is_sweep_override():
            prefix = o.get_key_element()
            choices.append([f"{prefix}={v}" for v in o.sweep_string_iterator()])
        else:
            choices.append([o.input_line])
    jobs = [list(combo) for combo in itertools.islice(itertools.product(*choices),
                                                          MAX_SWEEP_JOBS + 1)]
    if len(jobs) > MAX_SWEEP_JOBS:
        raise ConfigError("<command line>", f"a sweep of at most {MAX_SWEEP_JOBS} jobs",
                          "more", source="command line")
    return jobs


def preflight(overrides: list[str], config_dir: str | None = None,
              environ: Mapping[str, str] | None = None) -> list[LoadedConfig]:
    """The validated config of every job the overrides describe; raises ConfigErrors."""
    loaded = []
    with composer(config_dir) as c:
        for job in expand_sweeps(overrides):
            try:
                loaded.append(load(c.compose(job), job, environ))
            except ConfigError as exc:
                raise ConfigErrors([exc]) from None
    return loaded
