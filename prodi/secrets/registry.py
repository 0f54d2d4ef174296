"""From `secrets.providers` specs to a ProviderChain.

A spec is a mapping with a `type` and that provider's options, e.g.
`{type: aws, region: eu-west-1, prefix: prodi/}`. The `type` is a built-in provider's name, a
plug-in's name (entry-point group `prodi.secret_providers`) or a dotted class path. Everything
about a kind lives on its class (see `SecretProvider`). Validation imports no cloud SDK and
building contacts nothing: SDK clients are created by each provider on its first lookup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from prodi.model.errors import ConfigError, describe
from prodi.plugins.registry import Registry
from prodi.secrets.chain import ProviderChain
from prodi.secrets.errors import SecretProviderConfigError
from prodi.secrets.providers import BUILTIN_PROVIDERS
from prodi.secrets.providers.base import Option, ProviderRuntime, SecretProvider

DEFAULT_PATH = "secrets.providers"
ENTRY_POINT_GROUP = "prodi.secret_providers"

PROVIDERS: Registry[SecretProvider] = Registry(
    "secret provider", ENTRY_POINT_GROUP, SecretProvider, BUILTIN_PROVIDERS
)


def validate_specs(
    specs: Sequence[Mapping[str, Any]] | None, *, path: str = DEFAULT_PATH
) -> list[SecretProviderConfigError]:
    """Every problem in the provider specs, without importing any SDK or contacting anything.

    Checks: the list is a list of mappings; each `type` is known; each option is known to that
    type and has the right type; required options are present; then the type's own
    `validate_options` (e.g. a file's format). A plug-in's module is imported to validate it.
    """
    if specs is None:
        return []
    if isinstance(specs, (str, bytes, Mapping)) or not isinstance(specs, Sequence):
        return [SecretProviderConfigError(path, "a list of provider specs", describe(specs))]
    errors: list[SecretProviderConfigError] = []
    for i, spec in enumerate(specs):
        errors.extend(_validate_spec(spec, f"{path}[{i}]"))
    return errors


def build_chain(
    specs: Sequence[Mapping[str, Any]] | None,
    *,
    dbutils: Any = None,
    environ: Mapping[str, str] | None = None,
    path: str = DEFAULT_PATH,
) -> ProviderChain:
    """The chain of providers described by `specs`, in order.

    `dbutils` (on a cluster) and `environ` (tests) are offered to every provider's `from_spec`
    as a `ProviderRuntime`. Raises the first SecretProviderConfigError of `validate_specs`.
    """
    errors = validate_specs(specs, path=path)
    if errors:
        raise errors[0]
    runtime = ProviderRuntime(environ=environ, dbutils=dbutils)
    providers = [_build(spec, runtime, f"{path}[{i}]") for i, spec in enumerate(specs or ())]
    return ProviderChain(providers)


def provider_class(kind: object, path: str) -> type[SecretProvider]:
    """The provider class a spec's `type` names; SecretProviderConfigError at `path` if none.

    An unknown name is reported with every known one, installed plug-ins included.
    """
    # Registry.get also imports dotted paths, so only a dot-less unknown name is unknown here.
    if not isinstance(kind, str) or (kind not in PROVIDERS.names() and "." not in kind):
        raise _unknown_type(path, describe(kind))
    try:
        return PROVIDERS.get(kind, path)
    except ConfigError as exc:  # an entry point or class path that does not load
        failure = SecretProviderConfigError(exc.path, exc.expected, exc.got)
    raise failure


def _build(spec: Mapping[str, Any], runtime: ProviderRuntime, where: str) -> SecretProvider:
    """One provider from a validated spec."""
    kind = spec["type"]
    cls = provider_class(kind, f"{where}.type")
    try:
        provider = cls.from_spec(_options(spec), runtime)
    except (TypeError, ValueError) as exc:  # validate_specs should have caught it; be explicit
        failure = SecretProviderConfigError(where, f"valid {kind} provider options", str(exc))
    else:
        if isinstance(provider, SecretProvider):
            return provider
        failure = SecretProviderConfigError(
            where, f"{cls.__name__}.from_spec to return a SecretProvider", describe(provider)
        )
    raise failure


def _unknown_type(path: str, got: str) -> SecretProviderConfigError:
    known = ", ".join(PROVIDERS.names())
    return SecretProviderConfigError(path, f"one of {known} (or a dotted provider class path)", got)


def _options(spec: Mapping[str, Any]) -> dict[str, Any]:
    return {k: spec[k] for k in spec if k != "type"}


def _validate_spec(spec: Any, where: str) -> list[SecretProviderConfigError]:
    if not isinstance(spec, Mapping):
        return [SecretProviderConfigError(where, "a mapping with a `type` key", describe(spec))]
    kind = spec.get("type")
    if kind is None:
        return [_unknown_type(f"{where}.type", "nothing")]
    try:
        cls = provider_class(kind, f"{where}.type")
    except SecretProviderConfigError as exc:
        return [exc]
    options = _options(spec)
    errors = _check_options(cls.options, options, f"the {kind} provider", where)
    return errors or cls.validate_options(options, where)


def _check_options(
    declared: Mapping[str, Option], options: Mapping[str, Any], owner: str, where: str
) -> list[SecretProviderConfigError]:
    """Unknown options, options of the wrong type, and missing required options."""
    errors: list[SecretProviderConfigError] = []
    for name, value in options.items():
        option = declared.get(str(name))
        if option is None:
            allowed = ", ".join(declared) or "no options"
            errors.append(
                SecretProviderConfigError(
                    f"{where}.{name}", f"an option of {owner} ({allowed})", "unknown"
                )
            )
        elif value is not None and not option.accepts(value):
            errors.append(
                SecretProviderConfigError(f"{where}.{name}", option.describe(), describe(value))
            )
    for name, option in declared.items():
        if option.required and options.get(name) in (None, ""):
            errors.append(
                SecretProviderConfigError(f"{where}.{name}", option.describe(), "nothing")
            )
    return errors
