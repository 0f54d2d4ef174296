"""GCP Secret Manager through a real SecretManagerServiceClient (REST) on a local server."""

from __future__ import annotations

import pytest
from google.auth.credentials import AnonymousCredentials
from google.cloud import secretmanager

from prodi.secrets.errors import SecretProviderError
from prodi.secrets.providers.gcp import GcpSecretManagerProvider, secret_id


@pytest.mark.parametrize(
    ("scope", "key", "name"),
    [("pg", "password", "pg__password"), ("bars.eu", "api-key", "bars_eu__api-key")],
)
def test_secret_id_naming(scope: str, key: str, name: str) -> None:
    assert secret_id(scope, key) == name


def _provider(url: str) -> GcpSecretManagerProvider:
    return GcpSecretManagerProvider(
        project="prodi-dev",
        transport="rest",
        credentials=AnonymousCredentials(),
        client_options={"api_endpoint": url},
    )


def test_reads_latest_version(gcp_server) -> None:  # noqa: ANN001
    provider = _provider(gcp_server.url)
    assert provider.get("pg", "password") == "gcp-s3cret"
    assert provider.get("bars.eu", "api-key") == "k3y.with/slash"
    assert gcp_server.requests[-1].startswith(
        "/v1/projects/prodi-dev/secrets/bars_eu__api-key/versions/latest:access"
    )


def test_missing_secret_is_none(gcp_server) -> None:  # noqa: ANN001
    assert _provider(gcp_server.url).get("pg", "nope") is None


def test_permission_denied_is_a_provider_error(gcp_server) -> None:  # noqa: ANN001
    with pytest.raises(SecretProviderError) as info:
        _provider(gcp_server.url).get("denied", "password")
    assert "gcp:prodi-dev" in str(info.value)
    assert info.value.__context__ is None


def test_an_injected_client_is_used_as_is(gcp_server) -> None:  # noqa: ANN001
    client = secretmanager.SecretManagerServiceClient(
        credentials=AnonymousCredentials(),
        transport="rest",
        client_options={"api_endpoint": gcp_server.url},
    )
    provider = GcpSecretManagerProvider(project="prodi-dev", client=client)
    assert provider.get("pg", "password") == "gcp-s3cret"


def test_constructing_contacts_nothing(gcp_server) -> None:  # noqa: ANN001
    before = len(gcp_server.requests)
    _provider(gcp_server.url)
    assert len(gcp_server.requests) == before
