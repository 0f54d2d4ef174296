"""Whether a run is a dry-run, and why: config, override or PRODI_FORCE_DRY_RUN."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from prodi.model.errors import ConfigError
from prodi.model.words import parse_bool_word

FORCE_ENV = "PRODI_FORCE_DRY_RUN"


@dataclass(frozen=True)
class DryRunDecision:
    enabled: bool
    cause: str  # "env PRODI_FORCE_DRY_RUN", "override dry_run=true", "config", or "" when off


def forced_by_env(environ: Mapping[str, str]) -> bool:
    """Parse PRODI_FORCE_DRY_RUN; anything but the known words is an error, not a guess."""
    raw = environ.get(FORCE_ENV)
    if raw is None:
        return False
    forced = parse_bool_word(raw, empty=False)
    if forced is not None:
        return forced
    raise ConfigError(
        path=f"${FORCE_ENV}",
        expected="one of 1/true/yes/on (force) or 0/false/no/off/empty (don't force)",
        got=repr(raw),
        source="environment",
    )
