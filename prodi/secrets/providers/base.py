"""What a secret provider is, and how its options are described for validation."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from prodi.secrets.errors import SecretError, SecretProviderError
from prodi.secrets.providers.failures import describe_failure


@runtime_checkable
class SecretProvider(Protocol):
    """One place secrets can come from.

    `get` returns the value, or None when this provider does not hold the secret; it raises
    `SecretProviderError` when the provider itself fails. `where` says, without contacting
    anything, where the provider looks for a secret (for "not found" messages).
    """

    name: str

    def get(self, scope: str, key: str) -> str | None: ...

    def where(self, scope: str, key: str) -> str: ...


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
