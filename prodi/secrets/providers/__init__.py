"""Secret providers, one module each. Importing them imports no cloud SDK."""

from prodi.secrets.providers.aws import AwsSecretsManagerProvider
from prodi.secrets.providers.azure import AzureKeyVaultProvider
from prodi.secrets.providers.base import Option, SecretProvider
from prodi.secrets.providers.databricks import DatabricksProvider
from prodi.secrets.providers.env import EnvProvider
from prodi.secrets.providers.file import FileProvider
from prodi.secrets.providers.gcp import GcpSecretManagerProvider

__all__ = [
    "AwsSecretsManagerProvider",
    "AzureKeyVaultProvider",
    "DatabricksProvider",
    "EnvProvider",
    "FileProvider",
    "GcpSecretManagerProvider",
    "Option",
    "SecretProvider",
]
