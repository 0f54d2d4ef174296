"""What a secret provider is, and how its options are described for validation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable


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
