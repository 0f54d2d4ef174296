"""Databricks secret scopes: the REST API through databricks-sdk, and an injected dbutils."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodi.secrets.errors import SecretProviderError
from prodi.secrets.providers.databricks import DatabricksProvider
from prodi.secrets.references import SecretRef
from prodi.secrets.registry import build_chain


@pytest.fixture(autouse=True)
def _no_databricks_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Only the host/token given to the provider count; nothing from the machine."""
    for name in ("DATABRICKS_HOST", "DATABRICKS_TOKEN", "DATABRICKS_CONFIG_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABRICKS_CONFIG_FILE", str(tmp_path / "databrickscfg"))


def test_sdk_reads_and_base64_decodes(databricks_server) -> None:  # noqa: ANN001
    provider = DatabricksProvider(host=databricks_server.url, token="x")
    assert provider.get("pg", "password") == "db-s3cret!"
    assert provider.get("bars", "canary") == "tweet tweet"
    assert any(r.startswith("/api/2.0/secrets/get?") for r in databricks_server.requests)


def test_sdk_resource_does_not_exist_is_none(databricks_server) -> None:  # noqa: ANN001
    provider = DatabricksProvider(host=databricks_server.url, token="x")
    assert provider.get("pg", "nope") is None
    assert provider.get("no-such-scope", "password") is None


def test_sdk_other_errors_are_provider_errors(databricks_server) -> None:  # noqa: ANN001
    provider = DatabricksProvider(host=databricks_server.url, token="x")
    with pytest.raises(SecretProviderError) as info:
        provider.get("denied", "password")
    assert "databricks" in str(info.value)
    assert info.value.__context__ is None


def test_spec_with_host_and_token(databricks_server) -> None:  # noqa: ANN001
    chain = build_chain([{"type": "databricks", "host": databricks_server.url, "token": "x"}])
    assert chain.get(SecretRef("pg", "password", "{{secrets/pg/password}}")) == "db-s3cret!"


def test_constructing_contacts_nothing(databricks_server) -> None:  # noqa: ANN001
    before = len(databricks_server.requests)
    DatabricksProvider(host=databricks_server.url, token="x")
    build_chain([{"type": "databricks", "host": databricks_server.url, "token": "x"}])
    assert len(databricks_server.requests) == before


class _FakeSecrets:
    """Behaves like `dbutils.secrets` on a cluster (keyword arguments, error text)."""

    def __init__(self, values: dict[tuple[str, str], str]) -> None:
        self.values = values
        self.calls: list[tuple[str, str]] = []

    def get(self, *, scope: str, key: str) -> str:
        self.calls.append((scope, key))
        if scope == "broken":
            raise RuntimeError("Py4JJavaError: connection reset")
        if (scope, key) not in self.values:
            raise ValueError(f"Secret does not exist with scope: {scope} and key: {key}")
        return self.values[(scope, key)]


class FakeDbutils:
    def __init__(self, values: dict[tuple[str, str], str]) -> None:
        self.secrets = _FakeSecrets(values)


def test_injected_dbutils_is_used_instead_of_the_sdk() -> None:
    dbutils = FakeDbutils({("pg", "password"): "from-dbutils"})
    provider = DatabricksProvider(dbutils=dbutils)
    assert provider.name == "databricks:dbutils"
    assert provider.get("pg", "password") == "from-dbutils"
    assert provider.get("pg", "nope") is None
    assert dbutils.secrets.calls == [("pg", "password"), ("pg", "nope")]


def test_injected_dbutils_failure_is_a_provider_error() -> None:
    provider = DatabricksProvider(dbutils=FakeDbutils({}))
    with pytest.raises(SecretProviderError, match="connection reset"):
        provider.get("broken", "password")


def test_build_chain_passes_dbutils_to_the_databricks_provider() -> None:
    dbutils = FakeDbutils({("bars", "canary"): "tweet"})
    chain = build_chain([{"type": "databricks"}, {"type": "env"}], dbutils=dbutils, environ={})
    assert chain.get(SecretRef("bars", "canary", "<<secrets/bars/canary>>")) == "tweet"
