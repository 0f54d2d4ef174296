"""Errors raised while configuring providers or resolving secret references.

Every message names the reference as written canonically (e.g. `<<secrets/pg/pw>>`) and, once
the resolver has set it, the config key path where the reference sits. No message ever holds a
secret value: errors are built only from references, provider names and failure descriptions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prodi.secrets.references import SecretRef


class SecretError(Exception):
    """Base of every secrets error.

    `key_path` is the config key path (e.g. `io.jdbc.password`) the failing value sits at; the
    resolver sets it after the fact, and the message picks it up because it is rendered lazily.
    `ref` is the reference being resolved, when there is one.
    """

    def __init__(
        self,
        detail: str,
        *,
        ref: SecretRef | None = None,
        key_path: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.ref = ref
        self.key_path = key_path

    def redact_with(self, redact: Callable[[str], str]) -> None:
        """Mask known secret values in the message (an SDK's failure text could quote one)."""
        self.detail = redact(self.detail)
        self.args = (self.detail,)

    def render(self) -> str:
        """The user-facing message: `<key path>: <detail>`."""
        return f"{self.key_path}: {self.detail}" if self.key_path else self.detail

    def __str__(self) -> str:
        return self.render()

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle by state: subclasses' constructors take different arguments."""
        return (_restore, (type(self), self.__dict__.copy()))


def _restore(cls: type[SecretError], state: dict[str, object]) -> SecretError:
    """Rebuild a pickled SecretError without calling its constructor."""
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("detail", ""))
    error.__dict__.update(state)
    return error


class SecretNotFound(SecretError):
    """No configured provider holds the referenced secret."""

    def __init__(self, ref: SecretRef, tried: Sequence[str]) -> None:
        self.tried = list(tried)
        if self.tried:
            where = "; ".join(self.tried)
            detail = f"secret {ref.canonical} not found; tried, in order: {where}"
        else:
            detail = (
                f"secret {ref.canonical} not found: no secret providers are configured "
                "(set secrets.providers in conf/cloud/<cloud>.yaml)"
            )
        super().__init__(detail, ref=ref)


class SecretProviderError(SecretError):
    """A provider failed (auth, network, unreadable file) while looking a secret up.

    `reason` must describe the failure without quoting any secret value. `ref` may be None when
    the provider raises it; the chain fills it in.
    """

    def __init__(self, provider: str, ref: SecretRef | None, reason: str) -> None:
        self.provider = provider
        self.reason = reason
        super().__init__(f"provider {provider} failed: {reason}", ref=ref)

    def redact_with(self, redact: Callable[[str], str]) -> None:
        self.reason = redact(self.reason)
        super().redact_with(redact)

    def render(self) -> str:
        what = f"secret {self.ref.canonical}" if self.ref is not None else "secrets"
        where = f"{self.key_path}: " if self.key_path else ""
        return f"{where}{what}: {self.detail}"


class MissingExtraError(SecretError):
    """A provider needs an optional SDK that is not installed."""

    def __init__(self, extra: str, package: str, *, detail: str | None = None) -> None:
        self.extra = extra
        self.package = package
        self.install_command = f"pip install 'prodi[{extra}]'"
        why = f" ({detail})" if detail else ""
        super().__init__(
            f"the {extra} secret provider needs the {package} package, which is not "
            f"installed{why}; install it with: {self.install_command}"
        )

    def render(self) -> str:
        base = super().render()
        if self.ref is not None:
            return f"{base} (while resolving {self.ref.canonical})"
        return base


class SecretProviderConfigError(SecretError):
    """A `secrets.providers` entry is invalid (unknown type, unknown or missing option)."""

    def __init__(self, path: str, expected: str, got: str = "") -> None:
        self.path = path
        self.expected = expected
        self.got = got
        got_text = f", got {got}" if got else ""
        super().__init__(f"expected {expected}{got_text}", key_path=path)


__all__ = [
    "MissingExtraError",
    "SecretError",
    "SecretNotFound",
    "SecretProviderConfigError",
    "SecretProviderError",
]
