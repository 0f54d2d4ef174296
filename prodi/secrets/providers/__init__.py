"""Secret providers, one module each. Importing them imports no cloud SDK."""

from collections.abc import Mapping

from prodi.secrets.providers.aws import AwsSecretsManagerProvider
from prodi.secrets.providers.azure import AzureKeyVaultProvider
from prodi.secrets.providers.base import Option, ProviderRuntime, SecretProvider
from prodi.secrets.providers.databricks import DatabricksProvider
from prodi.secrets.providers.env import EnvProvider
from prodi.secrets.providers.file import FileProvider
from prodi.secrets.providers.gcp import GcpSecretManagerProvider

# The `type` names of the providers shipped with prodi; plug-ins add theirs by entry point.
BUILTIN_PROVIDERS: Mapping[str, type[SecretProvider]] = {
    "env": EnvProvider,
    "file": FileProvider,
    "databricks": DatabricksProvider,
    "aws": AwsSecretsManagerProvider,
    "azure": AzureKeyVaultProvider,
    "gcp": GcpSecretManagerProvider,
}

__all__ = [
    "BUILTIN_PROVIDERS",
    "AwsSecretsManagerProvider",
    "AzureKeyVaultProvider",
    "DatabricksProvider",
    "EnvProvider",
    "FileProvider",
    "GcpSecretManagerProvider",
    "Option",
    "ProviderRuntime",
    "SecretProvider",
]
