"""Secrets from GCP Secret Manager (google-cloud-secret-manager, application default creds).

Secret ids allow letters, digits, `_` and `-`, so `scope/key` is stored as `{scope}__{key}`
with every other character (`.`) turned into `_`; the `latest` version is read.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from prodi.secrets.errors import SecretProviderError
from prodi.secrets.extras import import_extra
from prodi.secrets.providers.base import LazyClient, Option, SecretProvider
from prodi.secrets.providers.failures import describe_failure

_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9_-]")


def secret_id(scope: str, key: str) -> str:
    """The Secret Manager secret id for `scope/key`: `pg.main/db-pw` -> `pg_main__db-pw`."""
    return f"{_NOT_ALLOWED.sub('_', scope)}__{_NOT_ALLOWED.sub('_', key)}"


class GcpSecretManagerProvider(SecretProvider):
    """Reads `scope/key` from `projects/{project}/secrets/{scope}__{key}/versions/latest`.

    A ready `client`, or `transport`/`credentials`/`client_options` for the one created on
    first use, can be injected (tests, custom endpoints).
    """

    options: ClassVar[dict[str, Option]] = {
        "project": Option(str, required=True, doc="the GCP project id holding the secrets"),
    }

    def __init__(
        self,
        *,
        project: str,
        client: Any = None,
        transport: Any = None,
        credentials: Any = None,
        client_options: Any = None,
    ) -> None:
        self.project = project
        self._client_kwargs = {
            k: v
            for k, v in (
                ("transport", transport),
                ("credentials", credentials),
                ("client_options", client_options),
            )
            if v is not None
        }
        self.name = f"gcp:{project}"
        self._client = LazyClient(self.name, "a Secret Manager client", self._make_client, client)

    def version_name(self, scope: str, key: str) -> str:
        """The resource name of the secret's latest version."""
        return f"projects/{self.project}/secrets/{secret_id(scope, key)}/versions/latest"

    def where(self, scope: str, key: str) -> str:
        """The secret version looked at."""
        return f"gcp secret manager {self.version_name(scope, key)!r}"

    def _make_client(self) -> Any:
        """The SecretManagerServiceClient (creating it contacts nothing)."""
        module = import_extra(
            "google.cloud.secretmanager", extra="gcp", package="google-cloud-secret-manager"
        )
        return module.SecretManagerServiceClient(**self._client_kwargs)

    def get(self, scope: str, key: str) -> str | None:
        """The latest version's payload as UTF-8; None when no such secret (or no version)."""
        client = self._client.get()
        exceptions = import_extra(
            "google.api_core.exceptions", extra="gcp", package="google-cloud-secret-manager"
        )
        try:
            response = client.access_secret_version(name=self.version_name(scope, key))
        except exceptions.NotFound:
            return None
        except Exception as exc:  # PermissionDenied, auth, network
            failure = describe_failure(exc)
        else:
            try:
                return bytes(response.payload.data).decode("utf-8")
            except UnicodeDecodeError:
                failure = "the secret's payload is not UTF-8 text"
        raise SecretProviderError(self.name, None, failure)
