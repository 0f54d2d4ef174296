"""Secrets from Azure Key Vault (azure-keyvault-secrets + azure-identity).

Key Vault secret names allow only letters, digits and `-`, so `scope/key` is stored as
`{scope}--{key}` with every `_` and `.` turned into `-`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from prodi.model.errors import describe
from prodi.secrets.errors import SecretProviderConfigError, SecretProviderError
from prodi.secrets.extras import import_extra
from prodi.secrets.providers.base import LazyClient, Option, SecretProvider
from prodi.secrets.providers.failures import describe_failure

_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9-]")


def key_vault_name(scope: str, key: str) -> str:
    """The Key Vault secret name for `scope/key`: `pg_main/db.pw` -> `pg-main--db-pw`."""
    return f"{_NOT_ALLOWED.sub('-', scope)}--{_NOT_ALLOWED.sub('-', key)}"


class AzureKeyVaultProvider(SecretProvider):
    """Reads `scope/key` from a Key Vault, authenticating with DefaultAzureCredential.

    `credential` and `transport` can be injected (tests, custom auth); otherwise the credential
    is DefaultAzureCredential (managed identity on a cluster, `az login` on a laptop), created
    on first use.
    """

    options: ClassVar[dict[str, Option]] = {
        "vault_url": Option(str, required=True, doc="https://<vault>.vault.azure.net"),
        "client_id": Option(str, doc="client id of a user-assigned managed identity"),
    }

    def __init__(
        self,
        *,
        vault_url: str,
        client_id: str | None = None,
        credential: Any = None,
        transport: Any = None,
    ) -> None:
        self.vault_url = vault_url
        self.client_id = client_id
        self._credential = credential
        self._transport = transport
        self.name = f"azure:{vault_url}"
        self._client = LazyClient(self.name, "a Key Vault client", self._make_client)

    @classmethod
    def validate_options(
        cls, options: Mapping[str, Any], where: str
    ) -> list[SecretProviderConfigError]:
        """The vault URL must be https (Key Vault serves nothing else)."""
        url = options["vault_url"]
        if str(url).startswith("https://"):
            return []
        return [SecretProviderConfigError(f"{where}.vault_url", "an https:// Key Vault URL",
                                          describe(url))]

    def where(self, scope: str, key: str) -> str:
        """The vault and secret name looked at."""
        return f"azure key vault {self.vault_url} secret {key_vault_name(scope, key)!r}"

    def _make_client(self) -> Any:
        """The SecretClient (creating it contacts nothing; a bad URL or credential fails)."""
        secrets = import_extra(
            "azure.keyvault.secrets", extra="azure", package="azure-keyvault-secrets"
        )
        credential = self._credential
        if credential is None:
            credential = self._default_credential()
        extra = {"transport": self._transport} if self._transport is not None else {}
        return secrets.SecretClient(self.vault_url, credential, **extra)

    def _default_credential(self) -> Any:
        """DefaultAzureCredential (managed identity, env, `az login`); contacts nothing yet."""
        identity = import_extra("azure.identity", extra="azure", package="azure-identity")
        kwargs = {"managed_identity_client_id": self.client_id} if self.client_id else {}
        try:
            return identity.DefaultAzureCredential(**kwargs)
        except Exception as exc:  # misconfigured environment credentials
            failure = f"cannot create DefaultAzureCredential: {describe_failure(exc)}"
        raise SecretProviderError(self.name, None, failure)

    def get(self, scope: str, key: str) -> str | None:
        """The secret's current value; None when the vault has no such secret."""
        client = self._client.get()
        exceptions = import_extra("azure.core.exceptions", extra="azure", package="azure-core")
        try:
            secret = client.get_secret(key_vault_name(scope, key))
        except exceptions.ResourceNotFoundError:
            return None
        except Exception as exc:  # auth, permission (403), network
            failure = describe_failure(exc)
        else:
            return "" if secret.value is None else str(secret.value)
        raise SecretProviderError(self.name, None, failure)
