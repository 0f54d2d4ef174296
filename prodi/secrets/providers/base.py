"""What a secret provider is: its options, its extra checks, and how it is built from a spec.

A provider class carries everything about its kind, so the registry that turns
`secrets.providers` specs into providers knows no provider by name. A plug-in subclasses
`SecretProvider` and registers it under the `prodi.secret_providers` entry-point group.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from prodi.secrets.errors import SecretError, SecretProviderConfigError, SecretProviderError
from prodi.secrets.providers.failures import describe_failure


@dataclass(frozen=True)
class ProviderRuntime:
    """Objects only known at run time, offered to every provider's `from_spec`.

    `environ` replaces the process environment (tests); `dbutils` is the notebook's or job's
    dbutils on a Databricks cluster. A provider takes what it needs and ignores the rest.
    """

    environ: Mapping[str, str] | None = None
    dbutils: Any = None


class SecretProvider(ABC):
    """One place secrets can come from.

    `get` returns the value, or None when this provider does not hold the secret; it raises
    `SecretProviderError` when the provider itself fails. `where` says, without contacting
    anything, where the provider looks for a secret (for "not found" messages). `name` (set by
    each instance) names the provider in failure messages.

    `options` declares what a spec may set; `validate_options` adds checks the option types
    cannot express; `from_spec` builds the provider from a spec's options.
    """

    name: str
    options: ClassVar[Mapping[str, Option]] = {}

    @abstractmethod
    def get(self, scope: str, key: str) -> str | None:
        """The secret's value, or None when this provider does not hold it."""

    @abstractmethod
    def where(self, scope: str, key: str) -> str:
        """Where `scope/key` is looked up, in words (contacts nothing)."""

    @classmethod
    def validate_options(
        cls, options: Mapping[str, Any], where: str
    ) -> list[SecretProviderConfigError]:
        """Problems in a spec's options beyond what `options` declares (none by default).

        Called only once every option has a known name and the right type and every required
        one is set; `where` is the spec's key path (e.g. `secrets.providers[2]`). Must import
        no SDK and contact nothing.
        """
        return []

    @classmethod
    def from_spec(cls, options: Mapping[str, Any], runtime: ProviderRuntime) -> SecretProvider:
        """The provider for a validated spec's `options` (the spec without `type`).

        Override to take run-time objects from `runtime`; must contact nothing.
        """
        return cls(**options)


@dataclass(frozen=True)
class Option:
    """One option a provider spec accepts in `secrets.providers[i]`."""

    kind: type | tuple[type, ...]
    required: bool = False
    doc: str = ""

    def accepts(self, value: Any) -> bool:
        """Whether `value` has an acceptable type (booleans are not accepted as strings)."""
        if isinstance(value, bool) and bool not in _as_tuple(self.kind):
            return False
        return isinstance(value, self.kind)

    def describe(self) -> str:
        """The expected type in words, for config error messages."""
        names = {str: "a string", bool: "true or false", int: "an integer"}
        return " or ".join(names.get(k, k.__name__) for k in _as_tuple(self.kind))


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


class LazyClient:
    """An SDK client made on first use, once, thread-safely.

    Making it must contact nothing but may fail (no credentials, bad endpoint): that becomes a
    SecretProviderError raised outside the `except` block, so no SDK exception (whose text could
    quote a credential) travels along as its context. prodi's own SecretErrors pass as they are.
    """

    def __init__(self, provider: str, what: str, make: Callable[[], Any],
                 client: Any = None) -> None:
        self.provider, self.what, self._make = provider, what, make
        self._client = client
        self._lock = threading.Lock()

    @property
    def created(self) -> bool:
        return self._client is not None

    def get(self) -> Any:
        with self._lock:
            if self._client is not None:
                return self._client
            try:
                self._client = self._make()
            except SecretError:
                raise
            except Exception as exc:  # noqa: BLE001 - any SDK failure is a provider failure
                failure = f"cannot create {self.what}: {describe_failure(exc)}"
            else:
                return self._client
        raise SecretProviderError(self.provider, None, failure)
