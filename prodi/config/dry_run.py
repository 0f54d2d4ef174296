"""Whether a run is a dry-run, and why: config, override or PRODI_FORCE_DRY_RUN."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from prodi.config.errors import ConfigError

FORCE_ENV = "PRODI_FORCE_DRY_RUN"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


@dataclass(frozen=True)
class DryRunDecision:
    enabled: bool
    cause: str  # "env PRODI_FORCE_DRY_RUN", "override dry_run=true", "config", or "" when off


def forced_by_env(environ: Mapping[str, str]) -> bool:
    """Parse PRODI_FORCE_DRY_RUN; anything but the known words is an error, not a guess."""
    raw = environ.get(FORCE_ENV)
    if raw is None:
        return False
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(
        path=f"${FORCE_ENV}",
        expected="one of 1/true/yes/on (force) or 0/false/no/off/empty (don't force)",
        got=repr(raw),
        source="environment",
    )
