"""From `secrets.providers` specs to a ProviderChain.

A spec is a mapping with a `type` and that provider's options, e.g.
`{type: aws, region: eu-west-1, prefix: prodi/}`. Validation imports no cloud SDK and building
contacts nothing: SDK clients are created by each provider on its first lookup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from prodi.secrets.chain import ProviderChain
from prodi.secrets.errors import SecretProviderConfigError
from prodi.secrets.providers.aws import AwsSecretsManagerProvider
from prodi.secrets.providers.azure import AzureKeyVaultProvider
from prodi.secrets.providers.base import Option, SecretProvider
from prodi.secrets.providers.databricks import DatabricksProvider
from prodi.secrets.providers.env import EnvProvider
from prodi.secrets.providers.file import FORMATS, FileProvider, format_for
from prodi.secrets.providers.gcp import GcpSecretManagerProvider

DEFAULT_PATH = "secrets.providers"

PROVIDER_TYPES: Mapping[str, Any] = {
    "env": EnvProvider,
    "file": FileProvider,
    "databricks": DatabricksProvider,
    "aws": AwsSecretsManagerProvider,
    "azure": AzureKeyVaultProvider,
    "gcp": GcpSecretManagerProvider,
}


def validate_specs(
    specs: Sequence[Mapping[str, Any]] | None, *, path: str = DEFAULT_PATH
) -> list[SecretProviderConfigError]:
    """Every problem in the provider specs, without importing any SDK or contacting anything.

    Checks: the list is a list of mappings; each `type` is known; each option is known to that
    type and has the right type; required options are present; file paths have a known format.
    """
    if specs is None:
        return []
    if isinstance(specs, (str, bytes, Mapping)) or not isinstance(specs, Sequence):
        return [SecretProviderConfigError(path, "a list of provider specs", _describe(specs))]
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

    `dbutils` goes to the databricks provider (use it on a cluster), `environ` to the env
    provider (tests). Raises the first SecretProviderConfigError of `validate_specs`.
    """
    errors = validate_specs(specs, path=path)
    if errors:
        raise errors[0]
    providers = [
        _build(spec, dbutils=dbutils, environ=environ, where=f"{path}[{i}]")
        for i, spec in enumerate(specs or ())
    ]
    return ProviderChain(providers)


def _build(
    spec: Mapping[str, Any], *, dbutils: Any, environ: Mapping[str, str] | None, where: str
) -> SecretProvider:
    """One provider from a validated spec, plus the injections its type takes."""
    kind = spec["type"]
    options = {k: spec[k] for k in spec if k != "type"}
    if kind == "env":
        options["environ"] = environ
    elif kind == "databricks":
        options["dbutils"] = dbutils
    try:
        provider: SecretProvider = PROVIDER_TYPES[kind](**options)
    except (TypeError, ValueError) as exc:  # validate_specs should have caught it; be explicit
        failure = SecretProviderConfigError(where, f"valid {kind} provider options", str(exc))
    else:
        return provider
    raise failure


def _validate_spec(spec: Any, where: str) -> list[SecretProviderConfigError]:
    if not isinstance(spec, Mapping):
        return [SecretProviderConfigError(where, "a mapping with a `type` key", _describe(spec))]
    known = ", ".join(PROVIDER_TYPES)
    kind = spec.get("type")
    if kind is None:
        return [SecretProviderConfigError(f"{where}.type", f"one of {known}", "nothing")]
    if not isinstance(kind, str) or kind not in PROVIDER_TYPES:
        return [SecretProviderConfigError(f"{where}.type", f"one of {known}", _describe(kind))]
    options: Mapping[str, Option] = PROVIDER_TYPES[kind].options
    errors: list[SecretProviderConfigError] = []
    for name in spec:
        if name == "type":
            continue
        option = options.get(str(name))
        if option is None:
            allowed = ", ".join(options) or "no options"
            errors.append(
                SecretProviderConfigError(
                    f"{where}.{name}", f"an option of the {kind} provider ({allowed})", "unknown"
                )
            )
        elif spec[name] is not None and not option.accepts(spec[name]):
            errors.append(
                SecretProviderConfigError(
                    f"{where}.{name}", option.describe(), _describe(spec[name])
                )
            )
    for name, option in options.items():
        if option.required and spec.get(name) in (None, ""):
            errors.append(
                SecretProviderConfigError(f"{where}.{name}", option.describe(), "nothing")
            )
    if kind == "file" and not errors:
        errors.extend(_validate_file_spec(spec, where))
    if kind == "azure" and not errors and not str(spec["vault_url"]).startswith("https://"):
        errors.append(
            SecretProviderConfigError(
                f"{where}.vault_url", "an https:// Key Vault URL", _describe(spec["vault_url"])
            )
        )
    return errors


def _validate_file_spec(spec: Mapping[str, Any], where: str) -> list[SecretProviderConfigError]:
    fmt = spec.get("format")
    if fmt is not None:
        if fmt not in FORMATS:
            return [SecretProviderConfigError(f"{where}.format", "yaml or env", _describe(fmt))]
        return []
    if format_for(Path(spec["path"])) is None:
        return [
            SecretProviderConfigError(
                f"{where}.path",
                "a *.yaml, *.yml or *.env file (or set format: yaml|env)",
                _describe(spec["path"]),
            )
        ]
    return []


def _describe(value: Any) -> str:
    """A short rendering of a (non-secret) spec value for error messages."""
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if value is None:
        return "null"
    return f"{value!r} ({type(value).__name__})"
