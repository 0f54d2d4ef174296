"""Secrets from Databricks secret scopes.

On a cluster, pass the notebook's/job's `dbutils` (the fast path, no extra dependency). Anywhere
else, the databricks-sdk `WorkspaceClient` is used with its default authentication (env vars,
`~/.databrickscfg`, runtime credentials) or explicit `host`/`token`/`profile`.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any, ClassVar

from prodi.secrets.errors import SecretProviderError
from prodi.secrets.extras import import_extra
from prodi.secrets.providers.base import LazyClient, Option, ProviderRuntime, SecretProvider
from prodi.secrets.providers.failures import describe_failure

NOT_FOUND_CODES = frozenset({"RESOURCE_DOES_NOT_EXIST", "NOT_FOUND"})


class DatabricksProvider(SecretProvider):
    """Reads `scope/key` from a Databricks secret scope (same scope and key names)."""

    options: ClassVar[dict[str, Option]] = {
        "host": Option(str, doc="workspace URL; default: SDK default auth"),
        "token": Option(str, doc="personal access token; default: SDK default auth"),
        "profile": Option(str, doc="a ~/.databrickscfg profile"),
    }

    def __init__(self, *, dbutils: Any = None, **settings: str | None) -> None:
        """`settings` are the WorkspaceClient's own (the `options` above, validated first)."""
        unknown = sorted(set(settings) - set(self.options))
        if unknown:
            raise TypeError(f"unknown databricks provider option(s) {unknown}")
        self._dbutils = dbutils
        self._settings = {k: v for k, v in settings.items() if v}
        self.name = "databricks:dbutils" if dbutils is not None else "databricks"
        self._client = LazyClient(self.name, "a WorkspaceClient", self._make_client)

    @classmethod
    def from_spec(cls, options: Mapping[str, Any], runtime: ProviderRuntime) -> DatabricksProvider:
        """Uses `runtime.dbutils` when there is one (on a cluster), the SDK otherwise."""
        return cls(**options, dbutils=runtime.dbutils)

    def where(self, scope: str, key: str) -> str:
        """The secret scope and key looked at."""
        via = "dbutils" if self._dbutils is not None else "workspace API"
        return f"databricks scope {scope!r} key {key!r} ({via})"

    def get(self, scope: str, key: str) -> str | None:
        """The secret, or None when the scope or key does not exist."""
        if self._dbutils is not None:
            return self._get_with_dbutils(scope, key)
        return self._get_with_sdk(scope, key)

    def _get_with_dbutils(self, scope: str, key: str) -> str | None:
        try:
            return str(self._dbutils.secrets.get(scope=scope, key=key))
        except Exception as exc:  # py4j / IllegalArgumentException on a cluster
            text = str(exc)
            if "does not exist" in text or "RESOURCE_DOES_NOT_EXIST" in text:
                return None
            failure = describe_failure(exc)
        raise SecretProviderError(self.name, None, failure)

    def _make_client(self) -> Any:
        """The WorkspaceClient (creating it contacts the host; bad auth or host fail)."""
        sdk = import_extra("databricks.sdk", extra="databricks", package="databricks-sdk")
        return sdk.WorkspaceClient(**self._settings)

    def _get_with_sdk(self, scope: str, key: str) -> str | None:
        client = self._client.get()
        errors = import_extra("databricks.sdk.errors", extra="databricks", package="databricks-sdk")
        try:
            response = client.secrets.get_secret(scope, key)
        except errors.NotFound:
            return None
        except Exception as exc:  # auth, network, permission: a provider failure
            if getattr(exc, "error_code", None) in NOT_FOUND_CODES:
                return None
            failure = describe_failure(exc)
        else:
            return self._decode(response.value)
        raise SecretProviderError(self.name, None, failure)

    def _decode(self, encoded: str | None) -> str:
        """The API returns the value base64-encoded."""
        if encoded is None:
            return ""
        try:
            return base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            failure = "the API returned a value that is not base64-encoded UTF-8"
        raise SecretProviderError(self.name, None, failure)
