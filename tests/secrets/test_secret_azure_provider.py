"""Azure Key Vault through a real SecretClient over an injected azure-core transport.

The transport answers like Key Vault does, including the 401 challenge that makes the client
fetch a token from the (static, test) credential before retrying.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from azure.core.credentials import AccessToken
from azure.core.exceptions import HttpResponseError
from azure.core.pipeline.transport import HttpTransport
from azure.core.rest import HttpRequest, HttpResponse
from azure.core.utils import CaseInsensitiveDict

from prodi.secrets.errors import SecretProviderError
from prodi.secrets.providers.azure import AzureKeyVaultProvider, key_vault_name

VAULT = "https://prodi-dev.vault.azure.net"
CHALLENGE = (
    'Bearer authorization="https://login.microsoftonline.com/00000000-tenant", '
    'resource="https://vault.azure.net"'
)


class CannedResponse(HttpResponse):
    """A complete, in-memory azure-core HTTP response."""

    def __init__(self, request: HttpRequest, status: int, headers: dict[str, str], body: bytes):
        self._request = request
        self._status = status
        self._headers = CaseInsensitiveDict(headers)
        self._body = body
        self._closed = False

    request = property(lambda self: self._request)
    status_code = property(lambda self: self._status)
    headers = property(lambda self: self._headers)
    reason = property(lambda self: {200: "OK", 401: "Unauthorized"}.get(self._status, "Error"))
    content_type = property(lambda self: self._headers.get("Content-Type"))
    is_closed = property(lambda self: self._closed)
    is_stream_consumed = property(lambda self: True)
    url = property(lambda self: self._request.url)
    content = property(lambda self: self._body)
    encoding = property(lambda self: "utf-8")

    def text(self, encoding: str | None = None) -> str:
        return self._body.decode(encoding or "utf-8")

    def json(self) -> Any:
        return json.loads(self._body)

    def raise_for_status(self) -> None:
        if self._status >= 400:
            raise HttpResponseError(response=self)

    def read(self) -> bytes:
        return self._body

    def iter_raw(self, **kwargs: Any) -> Iterator[bytes]:
        yield self._body

    def iter_bytes(self, **kwargs: Any) -> Iterator[bytes]:
        yield self._body

    def close(self) -> None:
        self._closed = True

    def __enter__(self) -> CannedResponse:
        return self

    def __exit__(self, *args: object) -> None:
        self.close()


class KeyVaultTransport(HttpTransport):
    """Answers `GET {vault}/secrets/{name}/` like Key Vault, from a dict of secrets."""

    def __init__(self, secrets: dict[str, str]) -> None:
        self.secrets = secrets
        self.urls: list[str] = []

    def send(self, request: HttpRequest, **kwargs: Any) -> CannedResponse:  # type: ignore[override]
        self.urls.append(request.url)
        if "Authorization" not in request.headers:
            return CannedResponse(request, 401, {"WWW-Authenticate": CHALLENGE}, b"")
        name = request.url.split("/secrets/", 1)[1].split("/", 1)[0].split("?", 1)[0]
        if name.startswith("denied"):
            return self._error(request, 403, "Forbidden", "The user does not have secrets get")
        if name not in self.secrets:
            return self._error(request, 404, "SecretNotFound", f"A secret {name} was not found")
        body = {"value": self.secrets[name], "id": f"{VAULT}/secrets/{name}/1", "attributes": {}}
        return CannedResponse(
            request, 200, {"Content-Type": "application/json"}, json.dumps(body).encode()
        )

    @staticmethod
    def _error(request: HttpRequest, status: int, code: str, message: str) -> CannedResponse:
        body = json.dumps({"error": {"code": code, "message": message}}).encode()
        return CannedResponse(request, status, {"Content-Type": "application/json"}, body)

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> KeyVaultTransport:
        return self

    def __exit__(self, *args: object) -> None:
        pass


class StaticTokenCredential:
    """A TokenCredential that hands out a fixed bearer token."""

    def __init__(self) -> None:
        self.scopes: list[tuple[str, ...]] = []

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        self.scopes.append(scopes)
        return AccessToken("test-token", int(time.time()) + 3600)


@pytest.mark.parametrize(
    ("scope", "key", "name"),
    [("pg", "password", "pg--password"), ("pg_main", "db.pass_v2", "pg-main--db-pass-v2")],
)
def test_key_vault_naming(scope: str, key: str, name: str) -> None:
    assert key_vault_name(scope, key) == name


def _provider(secrets: dict[str, str]) -> tuple[AzureKeyVaultProvider, KeyVaultTransport, Any]:
    transport = KeyVaultTransport(secrets)
    credential = StaticTokenCredential()
    provider = AzureKeyVaultProvider(vault_url=VAULT, credential=credential, transport=transport)
    return provider, transport, credential


def test_reads_secret_through_secret_client() -> None:
    provider, transport, credential = _provider({"pg-main--db-password": "az-s3cret"})
    assert provider.get("pg_main", "db.password") == "az-s3cret"
    assert credential.scopes == [("https://vault.azure.net/.default",)]
    assert transport.urls[-1].startswith(f"{VAULT}/secrets/pg-main--db-password")


def test_missing_secret_is_none() -> None:
    provider, _, _ = _provider({})
    assert provider.get("pg", "nope") is None


def test_forbidden_is_a_provider_error() -> None:
    provider, _, _ = _provider({})
    with pytest.raises(SecretProviderError) as info:
        provider.get("denied", "password")
    assert VAULT in str(info.value)
    assert info.value.__context__ is None


def test_constructing_contacts_nothing() -> None:
    provider, transport, credential = _provider({})
    assert transport.urls == [] and credential.scopes == []
    assert "pg--password" in provider.where("pg", "password")
