"""Secrets from environment variables: `PRODI_SECRET__<SCOPE>__<KEY>`."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any, ClassVar

from prodi.secrets.providers.base import Option, ProviderRuntime, SecretProvider

PREFIX = "PRODI_SECRET"
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")


def env_var_name(scope: str, key: str) -> str:
    """The variable holding `scope/key`: upper-cased, every non letter/digit turned into `_`.

    `<<secrets/pg-main/db.password>>` -> `PRODI_SECRET__PG_MAIN__DB_PASSWORD`.
    """
    return f"{PREFIX}__{_NOT_ALNUM.sub('_', scope.upper())}__{_NOT_ALNUM.sub('_', key.upper())}"


class EnvProvider(SecretProvider):
    """Reads secrets from the process environment (or an injected mapping, for tests)."""

    options: ClassVar[dict[str, Option]] = {}

    def __init__(self, *, environ: Mapping[str, str] | None = None) -> None:
        self._environ = environ
        self.name = "env"

    @classmethod
    def from_spec(cls, options: Mapping[str, Any], runtime: ProviderRuntime) -> EnvProvider:
        """Reads `runtime.environ` when one is given, the process environment otherwise."""
        return cls(**options, environ=runtime.environ)

    def get(self, scope: str, key: str) -> str | None:
        """The variable's value, or None when it is not set."""
        environ = os.environ if self._environ is None else self._environ
        return environ.get(env_var_name(scope, key))

    def where(self, scope: str, key: str) -> str:
        """The variable name looked at."""
        return f"env ${env_var_name(scope, key)}"
