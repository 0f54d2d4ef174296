"""Secret references in config strings, the providers that resolve them, and redaction.

The lowest layer of prodi: it imports nothing else from prodi, no Spark, and no cloud SDK at
import time (each provider imports its SDK on first use).
"""

from prodi.secrets.chain import ProviderChain
from prodi.secrets.errors import (
    MissingExtraError,
    SecretError,
    SecretNotFound,
    SecretProviderConfigError,
    SecretProviderError,
)
from prodi.secrets.references import (
    MalformedSecretReference,
    SecretRef,
    find_references,
    has_reference,
    substitute,
)
from prodi.secrets.registry import build_chain, validate_specs
from prodi.secrets.resolver import SecretResolver
from prodi.secrets.vault import SecretVault

__all__ = [
    "MalformedSecretReference",
    "MissingExtraError",
    "ProviderChain",
    "SecretError",
    "SecretNotFound",
    "SecretProviderConfigError",
    "SecretProviderError",
    "SecretRef",
    "SecretResolver",
    "SecretVault",
    "build_chain",
    "find_references",
    "has_reference",
    "substitute",
    "validate_specs",
]
