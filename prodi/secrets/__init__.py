"""Secret references in config strings, the providers that resolve them, and redaction.

The lowest layer of prodi: it imports nothing else from prodi but `prodi.model` and
`prodi.plugins`, no Spark, no Hydra, and no cloud SDK at import time (each provider imports its
SDK on first use). Plug-in providers subclass `SecretProvider` (see docs/secrets.md).
"""

from prodi.secrets.chain import ProviderChain
from prodi.secrets.errors import (
    MissingExtraError,
    SecretError,
    SecretNotFound,
    SecretProviderConfigError,
    SecretProviderError,
)
from prodi.secrets.providers.base import Option, ProviderRuntime, SecretProvider
from prodi.secrets.references import (
    MalformedSecretReference,
    SecretRef,
    find_references,
    has_reference,
    substitute,
)
from prodi.secrets.registry import PROVIDERS, build_chain, provider_class, validate_specs
from prodi.secrets.resolver import SecretResolver
from prodi.secrets.vault import SecretVault

__all__ = [
    "MalformedSecretReference",
    "MissingExtraError",
    "Option",
    "PROVIDERS",
    "ProviderRuntime",
    "ProviderChain",
    "SecretError",
    "SecretNotFound",
    "SecretProvider",
    "SecretProviderConfigError",
    "SecretProviderError",
    "SecretRef",
    "SecretResolver",
    "SecretVault",
    "build_chain",
    "find_references",
    "has_reference",
    "provider_class",
    "substitute",
    "validate_specs",
]
