"""An ordered list of providers: the first that holds a secret wins."""

from __future__ import annotations

from collections.abc import Sequence

from prodi.secrets.errors import SecretError, SecretNotFound, SecretProviderError
from prodi.secrets.providers.base import SecretProvider
from prodi.secrets.providers.failures import describe_failure
from prodi.secrets.references import SecretRef


class ProviderChain:
    """Looks a reference up in each provider in order.

    A provider failure (auth, network, unreadable file) stops the lookup instead of falling
    through to the next provider: a silently skipped provider could let a stale value win.
    """

    def __init__(self, providers: Sequence[SecretProvider]) -> None:
        self.providers: tuple[SecretProvider, ...] = tuple(providers)

    @property
    def names(self) -> list[str]:
        """The providers' names, in lookup order."""
        return [p.name for p in self.providers]

    def __len__(self) -> int:
        return len(self.providers)

    def __repr__(self) -> str:
        return f"ProviderChain({', '.join(self.names)})"

    def get(self, ref: SecretRef) -> str:
        """The value of `ref` from the first provider that has it.

        Raises SecretNotFound (listing where each provider looked) when none has it, and the
        provider's SecretError (with `ref` set) when one fails.
        """
        for provider in self.providers:
            value = self._ask(provider, ref)
            if value is not None:
                return value
        raise SecretNotFound(ref, [p.where(ref.scope, ref.key) for p in self.providers])

    @staticmethod
    def _ask(provider: SecretProvider, ref: SecretRef) -> str | None:
        """One provider's answer; any exception becomes a value-free SecretError for `ref`."""
        try:
            value = provider.get(ref.scope, ref.key)
        except SecretError as exc:
            failure: SecretError = exc
        except Exception as exc:  # a provider bug or an SDK error it did not translate
            failure = SecretProviderError(provider.name, ref, describe_failure(exc))
        else:
            if value is None or isinstance(value, str):
                return value
            failure = SecretProviderError(
                provider.name, ref, f"returned a {type(value).__name__}, not a string"
            )
        if failure.ref is None:
            failure.ref = ref
        # Raised outside the except block, with no chained exception that could quote a value.
        failure.__cause__ = None
        failure.__context__ = None
        raise failure
